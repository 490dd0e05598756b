"""Consultants curate notices in the admin with the opportunity admin's rules: sources, dates, reasons, events."""

import datetime

import pytest

from notices.models import Notice, NoticeSource
from portal.models import ChangeEvent
from tests.alerts.test_feed import settled
from tests.factories import OpportunityFactory, TechnologyAreaFactory
from tests.programmes.test_admin import _form_data

pytestmark = pytest.mark.django_db

ADD = "/admin/notices/notice/add/"
SOURCE = {
    "sources-0-url": "https://www.meti.go.jp/policy/anpo/",
    "sources-0-title": "Export control",
    "sources-0-publisher": "METI",
    "sources-0-confidence": "high",
}


def _new_notice(client, **changes) -> dict:
    data = _form_data(client.get(ADD)) | {
        "slug": "rules-2027",
        "title": "Export rules revised",
        "summary": "New rules for partner countries.",
        "dated_on": "2026-11-01",
        "confidence": "high",
    }
    return data | changes


def _with_source(data: dict) -> dict:
    return data | SOURCE | {"sources-TOTAL_FORMS": "1"}


def _events(notice: Notice) -> list[ChangeEvent]:
    return list(ChangeEvent.objects.filter(kind="notice.published", subject_type="notice", subject_id=notice.pk))


def _change(client, notice: Notice, **changes):
    url = f"/admin/notices/notice/{notice.pk}/change/"
    return client.post(url, _form_data(client.get(url)) | changes)


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the feed shows only events of finished transactions
def test_a_notice_created_as_published_in_the_admin_is_in_the_change_feed_once(consultant_client):
    response = consultant_client.post(ADD, _with_source(_new_notice(consultant_client, status="published")))

    assert response.status_code == 302, response.context and response.context["errors"]
    notice = Notice.objects.get(slug="rules-2027")
    events = _events(notice)
    assert len(events) == 1 and events[0].data["url"] == "/api/v1/notices/rules-2027/"
    assert _change(consultant_client, notice, title="Export rules revised again").status_code == 302
    assert len(_events(notice)) == 1  # an edit of a published notice is no new publication
    settled()
    feed = consultant_client.get("/api/v1/changes/").json()
    assert [item["type"] for item in feed["results"]].count("notice.published") == 1


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the feed shows only events of finished transactions
def test_a_notice_published_about_a_draft_record_tells_firms_only_of_the_published_ones(consultant_client, bob):
    from portal.tokens import token_issue
    from tests.api.conftest import bearer_client

    public = OpportunityFactory(slug="gcap", status="published")
    draft = OpportunityFactory(slug="secret-draft-call-2027", status="draft")
    data = _with_source(_new_notice(consultant_client, status="published")) | {"records": [public.pk, draft.pk]}

    response = consultant_client.post(ADD, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    settled()
    feed = bearer_client(token_issue(user=bob, name="feed reader")[1]).get("/api/v1/changes/")
    (notice,) = [item for item in feed.json()["results"] if item["type"] == "notice.published"]
    assert notice["data"]["opportunities"] == ["gcap"]
    assert "secret-draft-call-2027" not in feed.content.decode()


def test_a_draft_notice_published_in_the_admin_is_in_the_change_feed_once(consultant_client):
    assert consultant_client.post(ADD, _with_source(_new_notice(consultant_client))).status_code == 302
    notice = Notice.objects.get(slug="rules-2027")
    assert notice.status == "draft" and _events(notice) == []

    response = _change(consultant_client, notice, status="published")

    assert response.status_code == 302, response.context and response.context["errors"]
    notice.refresh_from_db()
    assert notice.status == "published" and len(_events(notice)) == 1
    assert _change(consultant_client, notice, summary="Revised rules.").status_code == 302
    assert len(_events(notice)) == 1


def test_a_notice_cannot_be_published_in_the_admin_without_a_source(consultant_client):
    response = consultant_client.post(ADD, _new_notice(consultant_client, status="published"))

    assert response.status_code == 200
    assert "A published notice keeps at least one source." in response.text
    assert not Notice.objects.filter(slug="rules-2027").exists()
    assert not ChangeEvent.objects.filter(kind="notice.published").exists()


def test_the_last_source_of_a_published_notice_cannot_be_removed_in_the_admin(consultant_client):
    assert (
        consultant_client.post(ADD, _with_source(_new_notice(consultant_client, status="published"))).status_code == 302
    )
    notice = Notice.objects.get(slug="rules-2027")

    response = _change(consultant_client, notice, **{"sources-0-DELETE": "on"})

    assert response.status_code == 200 and "A published notice keeps at least one source." in response.text
    assert notice.sources.count() == 1


def test_a_notice_due_before_its_date_is_refused_on_the_due_by_field(consultant_client):
    response = consultant_client.post(ADD, _with_source(_new_notice(consultant_client, due_by="2026-10-01")))

    assert response.status_code == 200
    assert (
        "The date it is due by cannot be before the date of the change."
        in response.context["adminform"].form.errors["due_by"]
    )
    assert not Notice.objects.filter(slug="rules-2027").exists()


def test_the_reason_typed_on_a_notice_form_is_in_its_history_with_the_consultant(consultant, consultant_client):
    assert consultant_client.post(ADD, _with_source(_new_notice(consultant_client))).status_code == 302
    notice = Notice.objects.get(slug="rules-2027")

    response = _change(consultant_client, notice, title="Export rules revised (METI)", change_reason="METI's wording")

    assert response.status_code == 302, response.context and response.context["errors"]
    row = notice.history.order_by("-history_id").first()
    assert row.title == "Export rules revised (METI)" and row.history_change_reason == "METI's wording"
    assert row.history_user == consultant


def test_a_consultant_cannot_delete_a_notice(consultant_client):
    notice = Notice.objects.create(
        slug="rules-2027", title="Rules revised", summary="New rules.", dated_on=datetime.date(2026, 11, 1)
    )
    NoticeSource.objects.create(notice=notice, url="https://www.meti.go.jp/")

    response = consultant_client.post(f"/admin/notices/notice/{notice.pk}/delete/", {"post": "yes"})
    changelist = consultant_client.get("/admin/notices/notice/")

    assert response.status_code == 403 and Notice.objects.filter(pk=notice.pk).exists()
    assert "delete_selected" not in changelist.text


def test_a_notice_edit_that_only_links_a_record_and_an_area_names_them_in_its_history(consultant_client):
    record = OpportunityFactory(title="GCAP partner call")
    area = TechnologyAreaFactory(name="Quantum")
    assert consultant_client.post(ADD, _with_source(_new_notice(consultant_client))).status_code == 302
    notice = Notice.objects.get(slug="rules-2027")

    response = _change(consultant_client, notice, records=[record.pk], technology_areas=[area.pk])

    assert response.status_code == 302, response.context and response.context["errors"]
    row = notice.history.order_by("-history_id").first()
    assert row.history_change_reason == (
        "Edited in the admin: added opportunity “GCAP partner call”; added technology area “Quantum”"
    )
    history = consultant_client.get(f"/admin/notices/notice/{notice.pk}/history/").text
    assert "added opportunity “GCAP partner call”" in history


def test_a_notice_edit_that_unlinks_a_record_names_it_in_its_history(consultant_client):
    record = OpportunityFactory(title="GCAP partner call")
    data = _with_source(_new_notice(consultant_client)) | {"records": [record.pk]}
    assert consultant_client.post(ADD, data).status_code == 302
    notice = Notice.objects.get(slug="rules-2027")

    response = _change(consultant_client, notice, records=[])

    assert response.status_code == 302, response.context and response.context["errors"]
    assert notice.history.order_by("-history_id").first().history_change_reason == (
        "Edited in the admin: removed opportunity “GCAP partner call”"
    )
