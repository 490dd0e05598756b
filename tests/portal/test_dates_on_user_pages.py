"""Dates on a user's own pages read as the rest of the site writes them (DATE_FORMAT / DATETIME_FORMAT in Japan
time: "4 December 2026, 17:49" and "2026年12月4日17:49"), not as ISO strings; and a pipeline entry's due date set
by hand cannot lie more than a year in the past (1900-01-01 was taken) nor more than ten years ahead (9999-12-31
was taken)."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from partners.models import Introduction
from portal.tokens import token_issue
from tests.factories import CallFactory, MatchFactory
from tests.partners.conftest import make_partner
from workspace.models import PipelineEntry
from workspace.services import pipeline_entry_save

pytestmark = pytest.mark.django_db

# 08:49 UTC is 17:49 in Japan.
AT = datetime.datetime(2026, 12, 4, 8, 49, tzinfo=datetime.UTC)
ENGLISH, JAPANESE = "4 December 2026, 17:49", "2026年12月4日17:49"


@pytest.fixture
def entry(alice, firm_a):
    call = CallFactory(slug="laser-call", title="High-power laser call", closes_on=datetime.date(2026, 12, 31))
    MatchFactory(company=firm_a, opportunity=call, score=70)
    saved = pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="pursuing")
    saved.history.update(history_date=AT)
    return saved


@pytest.fixture
def introduction(alice, firm_a):
    partner = make_partner("shipyard-kk", role="prime", areas={})
    asked = Introduction.objects.create(company=firm_a, partner=partner, message="Meet us.", requested_by=alice)
    Introduction.objects.filter(pk=asked.pk).update(created_at=AT)
    asked.history.update(history_date=AT)
    return asked


def test_the_pipeline_entry_page_dates_its_history_and_due_date_as_the_site_does(alice_client, entry):
    page = alice_client.get("/workspace/firm-a/pipeline/laser-call/").text
    assert ENGLISH in page and "31 December 2026" in page
    assert "2026-12-04 17:49" not in page and "2026-12-31" not in page.replace('value="2026-12-31"', "")

    assert JAPANESE in alice_client.get("/ja/workspace/firm-a/pipeline/laser-call/").text


def test_the_board_gives_the_due_date_as_the_site_does(alice_client, entry):
    assert "Due 31 December 2026" in alice_client.get("/workspace/firm-a/pipeline/").text


def test_my_introductions_and_a_request_are_dated_as_the_site_does(alice_client, introduction):
    listing = alice_client.get("/my/introductions/").text
    assert "4 December 2026" in listing and "2026-12-04" not in listing

    detail = alice_client.get(f"/my/introductions/{introduction.pk}/").text
    assert f"{ENGLISH}: Requested" in detail
    assert JAPANESE in alice_client.get(f"/ja/my/introductions/{introduction.pk}/").text


def test_the_tokens_table_dates_tokens_as_the_site_does(alice_client, alice):
    token, _raw = token_issue(user=alice, name="CRM sync")
    type(token).objects.filter(pk=token.pk).update(created_at=AT, last_used_at=AT)

    page = alice_client.get("/account/tokens/").text
    assert f'datetime="2026-12-04T17:49:00+09:00">{ENGLISH}</time>' in page
    assert JAPANESE in alice_client.get("/ja/account/tokens/").text


def test_the_gap_plan_gives_a_notice_date_as_the_site_does():
    from matching.messages import render

    item = {"code": "notice_due", "params": {"notice": "export-rules", "date": "2026-12-31"}}
    assert "a rule or policy change is due by 31 December 2026" in render(item)


def test_a_due_date_more_than_a_year_ago_is_refused_naming_the_earliest(alice_client, entry):
    earliest = timezone.localdate() - datetime.timedelta(days=365)
    form = {"stage": "pursuing", "owner": "", "due_on": "1900-01-01", "notes": ""}

    response = alice_client.post("/workspace/firm-a/pipeline/laser-call/", form)

    assert response.status_code == 400  # refused, as on the profile page
    with translation.override("en"):
        shown = f"A due date can be at most a year in the past: give {date_format(earliest)} or later."
    assert shown in response.text
    assert PipelineEntry.objects.get().due_on == datetime.date(2026, 12, 31)


def test_the_api_refuses_it_naming_due_on(alice_client, entry):
    url = "/api/v1/companies/firm-a/pipeline/laser-call/"

    response = alice_client.put(url, {"due_on": "1900-01-01"}, content_type="application/json")

    assert response.status_code == 400 and list(response.json()) == ["due_on"]
    assert response.json()["due_on"][0].startswith("A due date can be at most a year in the past: give ")
    assert PipelineEntry.objects.get().due_on == datetime.date(2026, 12, 31)


def test_a_date_a_little_in_the_past_and_an_old_date_already_there_are_kept(alice, firm_a, entry):
    last_month = timezone.localdate() - datetime.timedelta(days=30)
    assert pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, due_on=last_month).due_on == (
        last_month
    )
    PipelineEntry.objects.filter(pk=entry.pk).update(due_on=datetime.date(2020, 1, 31))  # an old record's deadline

    saved = pipeline_entry_save(
        company=firm_a, opportunity=entry.opportunity, by=alice, due_on=datetime.date(2020, 1, 31), notes="Lost."
    )

    assert (saved.due_on, saved.notes) == (datetime.date(2020, 1, 31), "Lost.")


def ten_years_on() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year + 10, day=28 if (today.month, today.day) == (2, 29) else today.day)


def test_a_due_date_more_than_ten_years_ahead_is_refused_on_the_page_naming_the_latest(alice_client, entry):
    form = {"stage": "pursuing", "owner": "", "due_on": "9999-12-31", "notes": "Keep this note."}

    response = alice_client.post("/workspace/firm-a/pipeline/laser-call/", form)

    assert response.status_code == 400
    with translation.override("en"):
        shown = f"A due date can be at most 10 years ahead: give {date_format(ten_years_on())} or earlier."
    assert shown in response.text
    assert response.context["form"].errors["due_on"] == [shown]  # beside the field
    assert response.context["form"]["notes"].value() == "Keep this note."
    assert PipelineEntry.objects.get().due_on == datetime.date(2026, 12, 31)
    japanese = alice_client.post("/ja/workspace/firm-a/pipeline/laser-call/", form).text
    assert "期限日は10年先までしか指定できません。" in japanese


def test_the_api_refuses_a_due_date_too_far_ahead_naming_due_on(alice_client, entry):
    url = "/api/v1/companies/firm-a/pipeline/laser-call/"

    response = alice_client.put(url, {"due_on": "9999-12-31"}, content_type="application/json")

    assert response.status_code == 400 and list(response.json()) == ["due_on"]
    assert response.json()["due_on"][0].startswith("A due date can be at most 10 years ahead: give ")
    assert PipelineEntry.objects.get().due_on == datetime.date(2026, 12, 31)


def test_ten_years_ahead_and_a_records_later_deadline_are_taken(alice, firm_a, entry):
    saved = pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, due_on=ten_years_on())
    assert saved.due_on == ten_years_on()

    far_call = CallFactory(slug="far-call", closes_on=datetime.date(2099, 3, 31))
    early = pipeline_entry_save(company=firm_a, opportunity=far_call, by=alice, due_on=datetime.date(2099, 3, 1))
    assert early.due_on == datetime.date(2099, 3, 1)  # before the record's own deadline: never absurd
