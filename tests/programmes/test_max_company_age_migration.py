"""Firm age limits stored outside 1-200 before the range became a constraint are brought into it (programmes 0014)."""

import pytest

from tests.migrations import migrate_back, migrate_to

BEFORE = [("programmes", "0013_opportunity_area_plural")]
AFTER = [("programmes", "0014_opportunity_max_company_age_range")]


@pytest.mark.django_db(transaction=True)
def test_a_stored_limit_of_0_reads_1_year_and_one_over_200_reads_200_years():
    try:
        Old = migrate_to(BEFORE).get_model("programmes", "Opportunity")
        for slug, age in [("founded-this-year", 0), ("typo-250", 250), ("ten-years", 10), ("no-limit", None)]:
            Old.objects.create(slug=slug, title=slug, kind="programme", max_company_age=age)

        New = migrate_to(AFTER).get_model("programmes", "Opportunity")

        assert dict(New.objects.values_list("slug", "max_company_age")) == {
            "founded-this-year": 1,
            "typo-250": 200,
            "ten-years": 10,
            "no-limit": None,
        }
    finally:
        migrate_back()
