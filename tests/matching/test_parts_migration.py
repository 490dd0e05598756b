"""Matches stored before `parts` read the same afterwards: migration 0009 keeps each value and contribution."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from matching.models import Match

BEFORE = [("matching", "0008_feedback_mark_shared")]
AFTER = [("matching", "0009_match_parts")]

STORED = {
    "timing": {"value": 0.7000, "weight": 0.06, "contribution": 3.62},
    "readiness": {"value": 1.0000, "weight": 0.06, "contribution": 5.18},
    "capability": {"value": 0.8629, "weight": 0.7, "contribution": 60.40},
    "compliance": {"value": 1.0000, "weight": 0.06, "contribution": 5.18},
    "eligibility": {"value": 0.5000, "weight": 0.12, "contribution": 5.18},
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_match_stored_as_components_reads_the_same_after_the_migration_and_back():
    apps = _migrate(BEFORE)
    company = apps.get_model("companies", "Company").objects.create(
        slug="ocius", name="Ocius", country="AU", size="sme"
    )
    Opportunity = apps.get_model("programmes", "Opportunity")
    full = Opportunity.objects.create(slug="uuv-call", title="UUV call", kind="call")
    partial = Opportunity.objects.create(slug="uuv-event", title="UUV event", kind="event")
    OldMatch = apps.get_model("matching", "Match")
    at = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    OldMatch.objects.create(company=company, opportunity=full, score=79.56, components=STORED, computed_at=at)
    capability_only = {"capability": {"value": 0.2, "weight": 0.7, "contribution": 14.0}}
    OldMatch.objects.create(
        company=company, opportunity=partial, score=14.0, components=capability_only, computed_at=at
    )
    try:
        _migrate(AFTER)
        matches = {m.opportunity.slug: m for m in Match.objects.select_related("opportunity")}
        assert matches["uuv-call"].components == {
            name: STORED[name] for name in ("capability", "eligibility", "readiness", "compliance", "timing")
        }
        assert matches["uuv-call"].parts == [[0.8629, 60.4], [0.5, 5.18], [1.0, 5.18], [1.0, 5.18], [0.7, 3.62]]
        assert matches["uuv-event"].components == capability_only
        assert matches["uuv-event"].parts == [[0.2, 14.0], None, None, None, None]

        apps = _migrate(BEFORE)
        back = {m.opportunity.slug: m.components for m in apps.get_model("matching", "Match").objects.all()}
        assert back == {"uuv-call": STORED, "uuv-event": capability_only}
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
