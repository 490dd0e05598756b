"""New and moved matches become change events in the same transaction as the stored scores (issue 15).

The store is fed hand-made rows with known scores, so each rule is checked exactly; the last tests go through the
real scorer. These run on SQLite and, in the PostgreSQL suite, through the COPY and digest path.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from alerts.feed import change_item
from matching import runs, store
from matching.messages import render
from matching.parts import parts_of
from matching.record import StoredMatch, jsonb_text
from portal.changes import change_record
from portal.models import ChangeEvent
from programmes.services import opportunity_area_set
from tests.factories import CompanyFactory, OpportunityFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db(transaction=False)

WEIGHTS = {"capability": 0.7, "eligibility": 0.12, "readiness": 0.06, "compliance": 0.06, "timing": 0.06}


def row(company, opportunity, score: float, *, readiness: float = 0.0, at=None) -> StoredMatch:
    """A stored row whose parts add up to SCORE: READINESS points from readiness, the rest from capability."""
    points = {name: 0.0 for name in WEIGHTS}
    points["capability"], points["readiness"] = round(score - readiness, 2), readiness
    parts = parts_of({name: {"value": 0.5, "contribution": points[name]} for name in WEIGHTS})
    reasons = [{"code": "ticked", "params": {"area": "uuv"}}, {"code": "open_until", "params": {"date": "2027-03-01"}}]
    return StoredMatch(
        company.pk,
        opportunity.pk,
        None,
        score,
        jsonb_text(parts),
        jsonb_text(reasons),
        "[]",
        True,
        at or timezone.now(),
    )


def replace(company, *rows: StoredMatch) -> None:
    with transaction.atomic():
        store.firms_replace(company_ids=[company.pk], records=list(rows))


def events(kind: str | None = None) -> list[ChangeEvent]:
    found = ChangeEvent.objects.in_feed_order()
    return list(found.filter(kind=kind) if kind else found)


@pytest.fixture
def pair():
    firm = CompanyFactory(slug="ocius", alert_threshold=60)
    record = OpportunityFactory(slug="uuv-call", title='UUV "call"\tC:\\2027', title_ja="UUV公募")
    return firm, record


def test_a_firms_first_scoring_announces_the_matches_at_or_above_its_threshold_only(pair):
    firm, record = pair
    low = OpportunityFactory(slug="low")
    replace(firm, row(firm, record, 71.5), row(firm, low, 40.0))
    (event,) = events()
    assert (event.kind, event.subject_type, event.subject_id, event.company_id) == (
        "match.created",
        "opportunity",
        record.pk,
        firm.pk,
    )
    assert event.data == {
        "slug": "uuv-call",
        "title": 'UUV "call"\tC:\\2027',  # quotes, a tab and a backslash survive COPY
        "title_ja": "UUV公募",
        "url": "/opportunities/uuv-call/",
        "company": "ocius",
        "score": 71.5,
        "parts": [[0.5, 71.5], [0.5, 0.0], [0.5, 0.0], [0.5, 0.0], [0.5, 0.0]],  # what the next move is measured from
        "items": [
            {"code": "ticked", "params": {"area": "uuv"}},
            {"code": "open_until", "params": {"date": "2027-03-01"}},
        ],
    }


def test_rescoring_the_same_or_a_little_different_writes_nothing(pair):
    firm, record = pair
    replace(firm, row(firm, record, 70.0))
    replace(firm, row(firm, record, 70.0))
    replace(firm, row(firm, record, 78.0))
    assert [e.kind for e in events()] == ["match.created"]


def test_a_move_of_ten_points_says_what_moved(pair):
    firm, record = pair
    replace(firm, row(firm, record, 62.0))
    replace(firm, row(firm, record, 78.0, readiness=6.0))
    event = events("match.moved")[0]
    assert event.company_id == firm.pk and event.subject_id == record.pk
    assert event.data["old_score"] == 62.0 and event.data["new_score"] == 78.0
    assert event.data["moved"] == [
        {"code": "moved_component", "params": {"component": "capability", "old": 62.0, "new": 72.0}},
        {"code": "moved_component", "params": {"component": "readiness", "old": 0.0, "new": 6.0}},
    ]
    with override("en"):
        assert render(event.data["moved"][1]) == "readiness 0 → 6 points"
    with override("ja"):
        assert render(event.data["moved"][1]) == "成熟度 0 → 6 点"


def test_moves_below_the_threshold_are_not_news_but_a_fall_from_above_is(pair):
    firm, record = pair
    replace(firm, row(firm, record, 30.0))
    replace(firm, row(firm, record, 45.0))  # 15 points, both below 60
    assert events() == []
    replace(firm, row(firm, record, 61.0))
    replace(firm, row(firm, record, 48.0))  # fell 13 points from above
    assert [(e.kind, e.data.get("old_score"), e.data.get("new_score")) for e in events()] == [
        ("match.created", None, None),
        ("match.moved", 61.0, 48.0),
    ]


def test_a_match_that_comes_back_above_the_threshold_is_not_new_again(pair):
    firm, record = pair
    replace(firm, row(firm, record, 65.0))
    replace(firm, row(firm, record, 50.0))
    replace(firm, row(firm, record, 66.0))
    assert [e.kind for e in events()] == ["match.created", "match.moved", "match.moved"]


def test_a_drop_back_to_the_score_the_firm_was_told_tells_nothing(pair):
    firm, record = pair
    replace(firm, row(firm, record, 65.0))  # told: 65
    replace(firm, row(firm, record, 74.0))  # 9 points: not news
    replace(firm, row(firm, record, 64.0))  # 10 down from 74, a point from the 65 it was told: no "74 → 64"
    assert [(e.kind, e.data.get("old_score"), e.data.get("new_score")) for e in events()] == [
        ("match.created", None, None)
    ]


def test_small_steps_that_add_up_to_a_move_are_told_from_the_last_score_said(pair):
    firm, record = pair
    replace(firm, row(firm, record, 65.0))
    replace(firm, row(firm, record, 73.0))
    replace(firm, row(firm, record, 78.0))  # 13 points above the 65 the firm was told
    replace(firm, row(firm, record, 70.0))  # 8 below the 78 it was told since
    assert [(e.kind, e.data.get("old_score"), e.data.get("new_score")) for e in events()] == [
        ("match.created", None, None),
        ("match.moved", 65.0, 78.0),
    ]


def test_what_moved_is_measured_from_the_row_the_firm_was_told_and_adds_up_to_the_move(pair):
    firm, record = pair
    replace(firm, row(firm, record, 62.0))  # told: capability 62, readiness 0
    replace(firm, row(firm, record, 66.0, readiness=4.0))  # 4 points: not news
    replace(firm, row(firm, record, 70.0, readiness=8.0))  # 8 points from the 62 told: not news
    replace(firm, row(firm, record, 75.0, readiness=8.0))  # 13 points from the 62 told, 5 from the stored 70
    (moved,) = events("match.moved")
    assert (moved.data["old_score"], moved.data["new_score"]) == (62.0, 75.0)
    assert moved.data["moved"] == [
        {"code": "moved_component", "params": {"component": "readiness", "old": 0.0, "new": 8.0}},
        {"code": "moved_component", "params": {"component": "capability", "old": 62.0, "new": 67.0}},
    ]
    steps = sum(item["params"]["new"] - item["params"]["old"] for item in moved.data["moved"])
    assert steps == moved.data["new_score"] - moved.data["old_score"]
    replace(firm, row(firm, record, 60.0, readiness=2.0))  # the next move is measured from the 75 told just now
    assert events("match.moved")[-1].data["moved"] == [
        {"code": "moved_component", "params": {"component": "capability", "old": 67.0, "new": 58.0}},
        {"code": "moved_component", "params": {"component": "readiness", "old": 8.0, "new": 2.0}},
    ]


def test_the_change_feed_and_webhooks_leave_the_told_parts_out(pair):
    firm, record = pair
    replace(firm, row(firm, record, 62.0))
    replace(firm, row(firm, record, 75.0))
    assert [sorted(change_item(event)["data"]) for event in events()] == [
        ["company", "items", "score", "slug", "title", "title_ja", "url"],
        ["company", "moved", "new_score", "old_score", "slug", "title", "title_ja", "url"],
    ]


def told_without_parts(firm, record, score: float) -> None:
    """A `match.created` as written before events kept the told row's parts."""
    change_record(
        kind="match.created", subject_type="opportunity", subject_id=record.pk, company_id=firm.pk,
        data={"slug": record.slug, "company": firm.slug, "score": score, "items": []},
    )  # fmt: skip


def test_a_move_from_an_older_event_is_measured_from_the_stored_row_when_it_has_the_told_score(pair):
    firm, record = pair
    with transaction.atomic():
        store.insert([row(firm, record, 62.0)])
    told_without_parts(firm, record, 62.0)
    replace(firm, row(firm, record, 75.0, readiness=8.0))
    (moved,) = events("match.moved")
    assert [item["params"] for item in moved.data["moved"]] == [
        {"component": "readiness", "old": 0.0, "new": 8.0},
        {"component": "capability", "old": 62.0, "new": 67.0},
    ]


def test_a_move_from_an_older_event_after_unreported_steps_names_no_components_that_would_not_add_up(pair):
    firm, record = pair
    with transaction.atomic():
        store.insert([row(firm, record, 70.0, readiness=8.0)])
    told_without_parts(firm, record, 62.0)  # told 62; the row stored since is unknown to the firm
    replace(firm, row(firm, record, 75.0, readiness=8.0))
    (moved,) = events("match.moved")
    assert (moved.data["old_score"], moved.data["new_score"], moved.data["moved"]) == (62.0, 75.0, [])


def test_each_firm_has_its_own_threshold(pair):
    firm, record = pair
    picky = CompanyFactory(slug="picky", alert_threshold=80)
    with transaction.atomic():
        store.firms_replace(
            company_ids=[firm.pk, picky.pk], records=[row(firm, record, 70.0), row(picky, record, 70.0)]
        )
    assert [(e.kind, e.data["company"]) for e in events()] == [("match.created", "ocius")]


def test_the_record_change_that_moved_a_score_is_named(pair):
    firm, record = pair
    earlier = timezone.now() - datetime.timedelta(hours=1)
    replace(firm, row(firm, record, 61.0, at=earlier))
    change_record(
        kind="opportunity.changed",
        subject_type="opportunity",
        subject_id=record.pk,
        changes={
            "technology_areas": {"old": ["usv"], "new": ["usv", "uuv"]},
            "min_trl": {"old": 7, "new": 5},
            "venue": {"old": "", "new": "Tokyo"},
        },
    )
    replace(firm, row(firm, record, 74.0))
    (moved,) = events("match.moved")
    assert moved.data["moved"][1:] == [
        {"code": "record_lists_area", "params": {"area": "uuv"}},
        {"code": "record_min_trl", "params": {"old": 7, "new": 5}},
        {"code": "record_fields_changed", "params": {"fields": ["venue"]}},
    ]
    TechnologyAreaFactory(slug="uuv", name="Unmanned underwater vehicles", name_ja="無人潜水機")
    with override("en"):
        assert [render(item) for item in moved.data["moved"][1:]] == [
            "the record now lists Unmanned underwater vehicles",
            "the minimum TRL is now 5 (was 7)",
            "the record changed: venue",
        ]
    with override("ja"):
        assert render(moved.data["moved"][1]) == "記録に無人潜水機が加わりました"


def test_a_record_change_older_than_the_old_score_is_not_the_cause(pair):
    firm, record = pair
    change_record(
        kind="opportunity.changed",
        subject_type="opportunity",
        subject_id=record.pk,
        changes={"min_trl": {"old": 7, "new": 5}},
    )
    replace(firm, row(firm, record, 61.0, at=timezone.now() + datetime.timedelta(seconds=1)))
    replace(firm, row(firm, record, 74.0))
    (moved,) = events("match.moved")
    assert [item["code"] for item in moved.data["moved"]] == ["moved_component"]


def test_events_roll_back_with_the_scores(pair):
    firm, record = pair
    with pytest.raises(RuntimeError), transaction.atomic():
        store.firms_replace(company_ids=[firm.pk], records=[row(firm, record, 90.0)])
        raise RuntimeError("the chunk's transaction fails")
    assert events() == []


def test_a_record_rescored_for_every_firm_announces_new_matches(pair):
    firm, record = pair
    with transaction.atomic():
        store.opportunity_replace(opportunity_id=record.pk, records=[row(firm, record, 64.0)])
    with transaction.atomic():
        store.opportunity_replace(opportunity_id=record.pk, records=[row(firm, record, 88.0)])
    assert [e.kind for e in events()] == ["match.created", "match.moved"]


def test_the_scorer_announces_a_firms_matches_and_a_record_that_now_lists_its_area(curated_areas, consultant):
    firm = CompanyFactory(
        slug="subsea",
        description="Autonomous underwater vehicles and unmanned undersea sonar for navies.",
        areas=[curated_areas["uuv"]],
        alert_threshold=0,
    )
    record = OpportunityFactory(slug="space-call", title="Space call", areas=[curated_areas["space"]])
    runs.match_chunk_score(run_id=None, company_ids=[firm.pk])
    (created,) = events("match.created")
    assert created.company_id == firm.pk and created.subject_id == record.pk
    assert created.data["score"] < 10  # space records are no match for a subsea firm
    firm.alert_threshold = 50
    firm.save()
    opportunity_area_set(opportunity=record, area=curated_areas["uuv"], weight=1.0, by=consultant)
    runs.match_opportunity_score(run_id=None, opportunity_id=record.pk)
    (moved,) = events("match.moved")
    assert moved.data["new_score"] >= moved.data["old_score"] + 10
    assert {"code": "record_lists_area", "params": {"area": "uuv"}} in moved.data["moved"]
    assert moved.data["moved"][0]["params"]["component"] == "capability"
