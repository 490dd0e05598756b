"""Matches stored before `parts` read the same afterwards: migration 0009 keeps each value and contribution."""

import datetime

import pytest
from django.db import connection

from matching import scoring, store
from matching.models import Match
from matching.record import StoredMatch
from tests.migrations import migrate_back, migrate_to

BEFORE = [("matching", "0008_feedback_mark_shared")]
AFTER = [("matching", "0009_match_parts")]

STORED = {
    "timing": {"value": 0.7000, "weight": 0.06, "contribution": 3.62},
    "readiness": {"value": 1.0000, "weight": 0.06, "contribution": 5.18},
    "capability": {"value": 0.8629, "weight": 0.7, "contribution": 60.40},
    "compliance": {"value": 1.0000, "weight": 0.06, "contribution": 5.18},
    "eligibility": {"value": 0.5000, "weight": 0.12, "contribution": 5.18},
}


@pytest.mark.django_db(transaction=True)
def test_a_match_stored_as_components_reads_the_same_after_the_migration_and_back():
    capability_only = {"capability": {"value": 0.2, "weight": 0.7, "contribution": 14.0}}
    _stored_before({"uuv-call": (79.56, STORED), "uuv-event": (14.0, capability_only)})
    try:
        migrate_to(AFTER)
        matches = {m.opportunity.slug: m for m in Match.objects.select_related("opportunity")}
        assert matches["uuv-call"].components == {
            name: STORED[name] for name in ("capability", "eligibility", "readiness", "compliance", "timing")
        }
        assert matches["uuv-call"].parts == [[0.8629, 60.4], [0.5, 5.18], [1.0, 5.18], [1.0, 5.18], [0.7, 3.62]]
        assert matches["uuv-event"].components == capability_only
        assert matches["uuv-event"].parts == [[0.2, 14.0], None, None, None, None]

        apps = migrate_to(BEFORE)
        back = {m.opportunity.slug: m.components for m in apps.get_model("matching", "Match").objects.all()}
        assert back == {"uuv-call": STORED, "uuv-event": capability_only}
    finally:
        migrate_back()


def _firm(apps):
    return apps.get_model("companies", "Company").objects.create(slug="ocius", name="Ocius", country="AU", size="sme")


def _stored_before(rows: dict[str, tuple[float, dict]]) -> None:
    """The database as it was before `parts`, holding one firm's match with each record of ROWS (slug: (score,
    components as the scorer stored them))."""
    apps = migrate_to(BEFORE)
    company = _firm(apps)
    Opportunity, OldMatch = apps.get_model("programmes", "Opportunity"), apps.get_model("matching", "Match")
    at = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    for slug, (score, components) in rows.items():
        record = Opportunity.objects.create(slug=slug, title=slug, kind="call")
        OldMatch.objects.create(company=company, opportunity=record, score=score, components=components, computed_at=at)


ODD = {
    "capability": {"value": None, "weight": 0.7, "contribution": 20.0},  # a null number
    "eligibility": 5.0,  # a bare contribution, as the oldest rows were
    "novelty": {"value": 1.0, "weight": 0.1, "contribution": 3.0},  # a component the engine does not have
}


@pytest.mark.django_db(transaction=True)
def test_odd_stored_rows_migrate_to_parts_that_read_without_failing():
    _stored_before({"odd": (25.0, ODD), "empty": (25.0, {})})
    try:
        migrate_to(AFTER)
        matches = {m.opportunity.slug: m for m in Match.objects.select_related("opportunity")}
        assert matches["odd"].parts == [[0, 20.0], [0, 5.0], None, None, None]
        assert matches["odd"].components["eligibility"]["contribution"] == 5.0
        assert matches["empty"].parts == [] and matches["empty"].components == {}
    finally:
        migrate_back()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_migrated_rows_digest_equals_a_fresh_scorings_so_it_is_not_written_again():
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL")
    apps = migrate_to(BEFORE)
    company = _firm(apps)
    record = apps.get_model("programmes", "Opportunity").objects.create(slug="uuv-call", title="UUV", kind="call")
    at = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    # As the scorer before `parts` wrote it: jsonb keeps each number's scale (1.0000, 60.40).
    stored = (
        '{"timing": {"value": 0.7000, "weight": 0.06, "contribution": 3.62}, "readiness": {"value": 1.0000, "weight":'
        ' 0.06, "contribution": 5.18}, "capability": {"value": 0.8629, "weight": 0.7, "contribution": 60.40},'
        ' "compliance": {"value": 1.0000, "weight": 0.06, "contribution": 5.18}, "eligibility": {"value": 0.5000,'
        ' "weight": 0.12, "contribution": 5.18}}'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO matching_match (company_id, opportunity_id, score, components, reasons, gaps, eligible,"
            " computed_at) VALUES (%s, %s, 79.56, %s::jsonb, '[]', '[]', true, %s)",
            [company.pk, record.pk, stored, at],
        )
    try:
        migrate_to(AFTER)
        fresh = StoredMatch(
            company.pk,
            record.pk,
            None,
            79.56,
            scoring._PARTS_JSON % (0.8629, 60.40, 0.5, 5.18, 1.0, 5.18, 1.0, 5.18, 0.7, 3.62),
            "[]",
            "[]",
            True,
            at,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT parts::text, {store._DIGEST_SQL} FROM matching_match")
            ((text, digest),) = cursor.fetchall()
        assert (
            text == fresh.parts == "[[0.8629, 60.40], [0.5000, 5.18], [1.0000, 5.18], [1.0000, 5.18], [0.7000, 3.62]]"
        )
        assert digest == store.digest(fresh)
    finally:
        migrate_back()
