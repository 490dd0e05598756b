"""Firm age limits stored outside 1-200 before the range became a constraint are brought into it (programmes 0014)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0013_opportunity_area_plural")]
AFTER = [("programmes", "0014_opportunity_max_company_age_range")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_stored_limit_of_0_reads_1_year_and_one_over_200_reads_200_years():
    try:
        Old = _migrate(BEFORE).get_model("programmes", "Opportunity")
        for slug, age in [("founded-this-year", 0), ("typo-250", 250), ("ten-years", 10), ("no-limit", None)]:
            Old.objects.create(slug=slug, title=slug, kind="programme", max_company_age=age)

        New = _migrate(AFTER).get_model("programmes", "Opportunity")

        assert dict(New.objects.values_list("slug", "max_company_age")) == {
            "founded-this-year": 1,
            "typo-250": 200,
            "ten-years": 10,
            "no-limit": None,
        }
    finally:
        _migrate(_latest())
