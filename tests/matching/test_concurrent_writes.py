"""Two rescores of the same firm at once: the loser stores again instead of failing (no duplicate-key error)."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from matching import runs, store
from matching.models import Match
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory


@pytest.fixture
def firm_and_records(db):
    firm = CompanyFactory(slug="laser", description="High-energy laser beam director for counter-drone defence.")
    OpportunityFactory(slug="hub-a", kind="hub")
    OpportunityFactory(slug="hub-b", kind="hub")
    return firm


def _concurrent_writer(monkeypatch, firm, times: int):
    """Before our insert, a 'concurrent writer' puts a row for the same pair, as a parallel rescore would."""
    real_insert = store.insert
    calls = {"n": 0}

    def insert(records):
        calls["n"] += 1
        if calls["n"] <= times and records:
            company_id, opportunity_id = records[0][0], records[0][1]
            Match.objects.create(
                company_id=company_id, opportunity_id=opportunity_id, score=1.0, computed_at=timezone.now()
            )
        return real_insert(records)

    monkeypatch.setattr(store, "insert", insert)
    return calls


def test_a_conflicting_concurrent_write_is_stored_again(firm_and_records, monkeypatch):
    firm = firm_and_records
    calls = _concurrent_writer(monkeypatch, firm, times=1)
    pairs, stored = runs.match_chunk_score(run_id=None, company_ids=[firm.pk])
    assert calls["n"] == 2  # the first attempt collided and rolled back whole; the second stored
    assert pairs == 2 and stored == Match.objects.filter(company=firm).count() == 2
    assert not Match.objects.filter(company=firm, score=1.0).exists()


def test_a_write_that_keeps_colliding_fails_loudly_and_leaves_the_old_rows(firm_and_records, monkeypatch):
    firm = firm_and_records
    old = Match.objects.create(
        company=firm, opportunity=Opportunity.objects.get(slug="hub-a"), score=42.0, computed_at=timezone.now()
    )
    before = [(old.opportunity_id, 42.0)]
    _concurrent_writer(monkeypatch, firm, times=store.STORE_ATTEMPTS)
    with pytest.raises(IntegrityError):
        runs.match_chunk_score(run_id=None, company_ids=[firm.pk])
    assert list(Match.objects.filter(company=firm).values_list("opportunity_id", "score")) == before
