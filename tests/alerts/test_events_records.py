"""Record, source-review and notice services write the change events alerts read, in the same transaction."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from alerts.emails import item_lines
from alerts.readers import event_item
from notices.services import notices_load
from portal.models import ChangeEvent
from programmes.changes import TRACKED_FIELDS
from programmes.models import Opportunity
from programmes.services import (
    opportunity_archive,
    opportunity_create,
    opportunity_publish,
    opportunity_update,
    opportunity_verify,
)
from tests.factories import CertificationFactory, EventFactory, OpportunityFactory, TechnologyAreaFactory
from tests.sources.conftest import site  # noqa: F401 (a fixture: the local page server)
from tests.sources.test_source_reviews import changed  # noqa: F401, F811 (a fixture: one open source change)

pytestmark = pytest.mark.django_db


def events(kind: str | None = None) -> list[ChangeEvent]:
    rows = ChangeEvent.objects.in_feed_order()
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_published_record_whose_dates_areas_and_trl_change_writes_old_and_new_values(consultant):
    uuv, usv = TechnologyAreaFactory(slug="uuv"), TechnologyAreaFactory(slug="usv")
    record = OpportunityFactory(
        slug="maritime-call",
        title="Maritime call",
        title_ja="海洋公募",
        closes_on=datetime.date(2027, 3, 1),
        areas=[usv],
    )
    opportunity_update(
        opportunity=record,
        data={"closes_on": datetime.date(2027, 3, 15), "min_trl": 6, "areas": {usv: 1.0, uuv: 0.5}},
        by=consultant,
        reason="Deadline extended",
    )
    (event,) = events()
    assert event.kind == "opportunity.changed" and event.subject_type == "opportunity"
    assert event.subject_id == record.pk and event.actor == consultant
    assert event.changes == {
        "closes_on": {"old": "2027-03-01", "new": "2027-03-15"},
        "min_trl": {"old": None, "new": 6},
        "technology_areas": {"old": ["usv"], "new": ["usv", "uuv"]},
        "area_weights": {"old": {"usv": 1.0}, "new": {"usv": 1.0, "uuv": 0.5}},
    }
    assert event.data == {
        "slug": "maritime-call",
        "title": "Maritime call",
        "title_ja": "海洋公募",
        "url": "/opportunities/maritime-call/",
    }


def test_a_weight_change_alone_is_news_with_the_old_and_new_weights(consultant):
    uuv, usv = TechnologyAreaFactory(slug="uuv"), TechnologyAreaFactory(slug="usv")
    record = OpportunityFactory(slug="maritime-call", areas=[(usv, 1.0), (uuv, 0.4)])

    opportunity_update(
        opportunity=record, data={"areas": {usv: 1.0, uuv: 0.8}}, by=consultant, reason="Undersea is a main topic now"
    )

    (event,) = events()
    assert event.kind == "opportunity.changed"
    assert event.changes == {"area_weights": {"old": {"usv": 1.0, "uuv": 0.4}, "new": {"usv": 1.0, "uuv": 0.8}}}


def test_wording_edits_and_verification_are_not_news(consultant):
    record = OpportunityFactory(summary="Old words.")
    opportunity_update(opportunity=record, data={"summary": "New words."}, by=consultant, reason="")
    opportunity_verify(opportunity=record, by=consultant)
    assert events() == []


def test_a_japanese_venue_change_alone_is_news_as_an_english_one_is(consultant):
    expo = EventFactory(slug="expo-2027", venue="Makuhari Messe, Chiba", venue_ja="")
    opportunity_update(
        opportunity=expo, data={"venue_ja": "幕張メッセ（千葉）"}, by=consultant, reason="Japanese venue added"
    )
    (event,) = events()
    assert (event.kind, event.subject_id, event.actor) == ("opportunity.changed", expo.pk, consultant)
    assert event.changes == {"venue_ja": {"old": "", "new": "幕張メッセ（千葉）"}}
    with translation.override("ja"):  # what a follower's digest and Atom feed say
        assert item_lines(event_item(event)) == ["会場（日本語）：— → 幕張メッセ（千葉）"]
    with translation.override("en"):
        assert item_lines(event_item(event)) == ["Japanese venue: — → 幕張メッセ（千葉）"]


def test_japanese_wording_is_no_more_news_than_the_english_it_translates(consultant):
    expo = EventFactory(title_ja="旧名", summary_ja="旧い要約。", expected_basis="", expected_basis_ja="")
    opportunity_update(
        opportunity=expo,
        data={"title_ja": "新名", "summary_ja": "新しい要約。", "expected_basis_ja": "2023年と2025年の回から"},
        by=consultant,
        reason="Japanese wording",
    )
    assert events() == []


def test_each_japanese_field_counts_as_a_change_exactly_when_its_english_twin_does():
    twins = [field.name for field in Opportunity._meta.concrete_fields if field.name.endswith("_ja")]
    assert {name: name in TRACKED_FIELDS for name in twins} == {
        "title_ja": False,  # wording, as the title
        "summary_ja": False,
        "venue_ja": True,  # where to go, as the venue
        "expected_basis_ja": False,  # wording: the expected window itself is tracked
    }
    assert all((name in TRACKED_FIELDS) == (name.removesuffix("_ja") in TRACKED_FIELDS) for name in twins)


def test_a_draft_record_changes_silently_and_says_so_once_published(consultant):
    area = TechnologyAreaFactory(slug="space")
    draft = opportunity_create(
        data={"slug": "space-call", "kind": "call", "title": "Space call", "summary": "s.", "areas": {area: 1.0}},
        by=consultant,
        reason="",
    )
    opportunity_update(opportunity=draft, data={"closes_on": datetime.date(2027, 1, 1)}, by=consultant, reason="")
    assert events() == []
    draft.sources.create(url="https://example.org/space")
    opportunity_publish(opportunity=draft, by=consultant)
    opportunity_publish(opportunity=draft, by=consultant)  # already published: nothing new
    assert [(e.kind, e.data["slug"]) for e in events()] == [("opportunity.published", "space-call")]


def test_archiving_a_published_record_writes_one_archived_event(consultant):
    record = OpportunityFactory(slug="gone")
    opportunity_archive(opportunity=record, by=consultant, reason="Programme closed")
    opportunity_archive(opportunity=record, by=consultant, reason="again")
    assert [e.kind for e in events()] == ["opportunity.archived"]


def test_expected_dates_becoming_real_dates_are_marked_confirmed(consultant):
    expo = EventFactory(
        slug="expo-2027",
        starts_on=None,
        ends_on=None,
        expected_from=datetime.date(2027, 11, 1),
        expected_until=datetime.date(2027, 11, 30),
        expected_basis="from the 2023 and 2025 editions",
    )
    opportunity_update(
        opportunity=expo,
        data={
            "starts_on": datetime.date(2027, 11, 10),
            "ends_on": datetime.date(2027, 11, 12),
            "venue": "Tokyo Big Sight",
        },
        by=consultant,
        reason="Dates announced",
    )
    (event,) = events("opportunity.changed")
    assert event.data["confirmed"] is True
    assert event.changes["starts_on"] == {"old": None, "new": "2027-11-10"}
    assert event.changes["venue"] == {"old": "Makuhari Messe, Chiba", "new": "Tokyo Big Sight"}


def test_eligibility_changes_are_listed_as_codes(consultant):
    cert = CertificationFactory(code="as9100d")
    record = OpportunityFactory(eligible_countries=["JP"])
    opportunity_update(
        opportunity=record,
        data={"eligible_countries": ["JP", "AU"], "required_certifications": [cert]},
        by=consultant,
        reason="",
    )
    (event,) = events()
    assert event.changes["eligible_countries"] == {"old": ["JP"], "new": ["AU", "JP"]}
    assert event.changes["required_certifications"] == {"old": [], "new": ["as9100d"]}


def test_a_refused_change_writes_no_event(consultant):
    record = OpportunityFactory(opens_on=datetime.date(2027, 1, 1))
    with pytest.raises(ValidationError):
        opportunity_update(opportunity=record, data={"closes_on": datetime.date(2026, 1, 1)}, by=consultant, reason="")
    assert events() == []


def test_notices_are_announced_once_when_published(tmp_path):
    TechnologyAreaFactory(slug="uuv")
    OpportunityFactory(slug="gcap")
    path = tmp_path / "notices.yaml"
    entry = (
        "- slug: rule\n  title: Rule\n  summary: s\n  dated_on: 2026-04-21\n  status: {status}\n"
        "  countries: [AU, US]\n  areas: [uuv]\n  records: [gcap]\n"
        "  sources: [{{url: 'https://www.meti.go.jp/'}}]\n"  # a published notice cites a source, as a record does
    )
    path.write_text(entry.format(status="draft"))
    notices_load(path=path)
    assert events() == []
    path.write_text(entry.format(status="published"))
    notices_load(path=path)
    notices_load(path=path)
    (event,) = events()
    assert event.kind == "notice.published" and event.subject_type == "notice"
    assert event.data == {
        "slug": "rule",
        "title": "Rule",
        "title_ja": "",
        "url": "/api/v1/notices/rule/",
        "countries": ["AU", "US"],
        "areas": ["uuv"],
        "opportunities": ["gcap"],
    }


def test_loading_the_curated_fixtures_announces_each_published_record_once_and_a_reload_nothing():
    from django.core.management import call_command

    call_command("load_curated", verbosity=0)
    published = Opportunity.objects.published().count()
    assert published > 0
    kinds = list(ChangeEvent.objects.filter(subject_type="opportunity").values_list("kind", flat=True))
    assert kinds == ["opportunity.published"] * published  # no per-field events for records that are new
    call_command("load_curated", verbosity=0)
    assert ChangeEvent.objects.filter(subject_type="opportunity").count() == published


def test_a_reviewed_source_change_is_announced_with_the_decision(consultant, changed):  # noqa: F811
    from sources.services import source_change_review

    source_change_review(change=changed, action="no_change", by=consultant)
    (event,) = events("source.reviewed")
    assert event.data["slug"] == "expo" and event.data["decision"] == "no_change"
    assert event.data["source_url"] == changed.watch.source.url
    assert timezone.now() - event.created_at < datetime.timedelta(minutes=1)
