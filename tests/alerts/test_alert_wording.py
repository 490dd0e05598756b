"""Alerts read as the pages do: every changed field by its name and dates as the site writes them, in English and
Japanese, in digests, the Atom feed and the "score moved" sentences; the JSON of the feed and webhooks stays ISO."""

import re

import pytest
from django.utils import translation

from alerts.emails import email_build, item_lines
from alerts.preferences import feed_link_issue, notification_settings_get, notification_settings_update
from matching.messages import render
from matching.moves import record_change_items
from portal.models import ChangeEvent, OutboxMessage
from programmes.changes import TRACKED_FIELDS
from programmes.services import opportunity_update
from tests.alerts.conftest import opportunity_event
from tests.factories import CallFactory, OpportunityFactory, TechnologyAreaFactory, UserFactory
from workspace.services import pipeline_entry_save

pytestmark = pytest.mark.django_db

# An old and a new value of every field opportunity.changed can hold, as the event stores them.
SAMPLES = {
    "kind": ("call", "event"),
    "status": ("published", "archived"),
    "opens_on": (None, "2026-11-02"),
    "closes_on": (None, "2026-12-18"),
    "starts_on": ("2027-02-01", "2027-02-03"),
    "ends_on": ("2027-02-04", "2027-02-06"),
    "expected_from": ("2026-10-01", None),
    "expected_until": ("2026-12-31", None),
    "venue": ("", "Makuhari Messe"),
    "venue_ja": ("", "幕張メッセ"),
    "eligible_countries": (["AU"], ["AU", "JP"]),
    "eligible_sizes": ([], ["sme"]),
    "min_trl": (7, None),
    "japan_presence": ("none", "partner"),
    "max_company_age": (None, 10),
    "japanese_entity": (False, True),
    "eligibility_notes": ("", "Bids go through a Japanese prime."),
    "technology_areas": (["usv"], ["usv", "uuv"]),
    "area_weights": ({"usv": 1.0, "uuv": 0.4}, {"usv": 1.0, "uuv": 0.8}),
    "required_certifications": ([], ["as9100d"]),
}
CHANGED = {"section": "followed", "kind": "opportunity.changed", "title": "UUV call", "url": "/opportunities/uuv/"}
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\bTrue\b|\bFalse\b|\b\d{4}-\d{2}-\d{2}\b")  # field keys, Python values, ISO
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def areas():
    TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels", name_ja="無人水上艇")
    TechnologyAreaFactory(slug="uuv", name="Uncrewed undersea vehicles", name_ja="無人潜水機")


def test_the_samples_cover_every_field_the_event_can_hold():
    assert set(SAMPLES) == set(TRACKED_FIELDS)


@pytest.mark.parametrize("field", TRACKED_FIELDS)
def test_no_changed_field_renders_raw_in_any_alert_text(areas, field):
    old, new = SAMPLES[field]
    changes = {field: {"old": old, "new": new}}
    for language in ("en", "ja"):
        with translation.override(language):
            digest = item_lines(CHANGED | {"changes": changes})  # digests and the Atom feed
            moved = [render(part) for part in record_change_items(changes)]  # "your firm's score moved"
            named = [render({"code": "record_fields_changed", "params": {"fields": [field]}})]  # stored items
        for text in digest + moved + named:
            assert not RAW.search(text), (language, text)
        if language == "ja":
            labels = [line.split("：")[0] for line in digest] + [text.split("：")[-1] for text in named]
            assert all(JAPANESE.search(label) for label in labels), labels


def test_a_removed_area_is_said_once_in_the_score_moved_text(areas, consultant):
    usv, uuv = TechnologyAreaFactory(slug="usv"), TechnologyAreaFactory(slug="uuv")
    record = OpportunityFactory(slug="mod-early-fielding-usv", areas=[(usv, 1.0), (uuv, 0.5)])
    opportunity_update(opportunity=record, data={"areas": {uuv: 0.5}}, by=consultant, reason="Undersea only")
    (event,) = ChangeEvent.objects.filter(kind="opportunity.changed")
    assert set(event.changes) == {"technology_areas", "area_weights"}

    assert [render(part) for part in record_change_items(event.changes)] == [
        "the record no longer lists Uncrewed surface vessels"
    ]
    with translation.override("ja"):
        assert [render(part) for part in record_change_items(event.changes)] == ["記録から無人水上艇が外れました"]


def test_a_weight_that_moved_is_named_in_words(areas):
    changes = {"area_weights": {"old": {"usv": 1.0, "uuv": 0.4}, "new": {"usv": 1.0, "uuv": 0.8}}}
    assert [render(part) for part in record_change_items(changes)] == ["the record changed: technology area weights"]
    with translation.override("ja"):
        assert [render(part) for part in record_change_items(changes)] == ["記録の変更：技術分野の重み"]
    # Stored before the weights had a name: the same words.
    assert render({"code": "record_fields_changed", "params": {"fields": ["area_weights"]}}) == (
        "the record changed: technology area weights"
    )


def test_changed_dates_read_as_the_pages_write_them():
    item = CHANGED | {"changes": {"closes_on": {"old": None, "new": "2026-12-18"}}}
    assert item_lines(item) == ["Closes on: — → 18 December 2026"]
    with translation.override("ja"):
        assert item_lines(item) == ["締切日：— → 2026年12月18日"]


def test_a_reminder_gives_its_date_as_the_pages_do(settings):
    settings.SITE_URL = "https://kakehashi.example"
    user = UserFactory(username="rem", email="rem@example.com")
    items = [
        {
            "section": "deadlines", "kind": "deadline.closes", "title": "Closing call",
            "url": "/opportunities/closing/", "on": "2026-12-18", "days": 13, "at": "2026-12-05T09:00:00+09:00",
        }
    ]  # fmt: skip
    for language, said in (("en", "Closes in 13 days, on 18 December 2026"), ("ja", "2026年12月18日")):
        message = OutboxMessage(
            key=f"reminder:{language}", user=user, kind="reminder", payload={"language": language, "items": items}
        )
        body = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x").body
        assert said in body and "2026-12-18" not in body


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
@pytest.mark.parametrize(
    ("language", "said"), [("en", "Closes on: — → 18 December 2026"), ("ja", "締切日：— → 2026年12月18日")]
)
def test_the_atom_feed_gives_human_dates_and_the_api_keeps_iso(alice, firm_a, anon_client, language, said):
    notification_settings_get(user=alice)
    notification_settings_update(user=alice, data={"language": language})
    record = CallFactory(slug="followed", title="Followed call", closes_on=None)
    pipeline_entry_save(company=firm_a, opportunity=record, by=alice)
    opportunity_event("opportunity.changed", record, changes={"closes_on": {"old": None, "new": "2026-12-18"}})

    feed = anon_client.get(f"/feeds/alerts.atom?token={feed_link_issue(user=alice)}").content.decode()
    assert said in feed and "2026-12-18" not in feed

    anon_client.force_login(alice)
    (change,) = anon_client.get("/api/v1/changes/").json()["results"]
    assert change["changed_fields"] == {"closes_on": {"old": None, "new": "2026-12-18"}}  # machines read ISO
