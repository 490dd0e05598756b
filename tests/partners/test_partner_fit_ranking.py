"""Partner fit ranks the curated partners sensibly for firms it has never seen, written in their own words."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from companies.models import Company
from partners.models import PartnerFit
from partners.scoring import partner_fits_rescore
from tests.factories import CompanyFactory
from web.curated import curated_load

SHIPBUILDERS_AND_MARITIME = {
    "mitsubishi-heavy-industries", "kawasaki-heavy-industries", "japan-marine-united", "jamstec", "oki-electric",
    "furuno-electric", "japan-radio", "shimadzu",
}  # fmt: skip
IT_PRIMES = {"fujitsu", "nec", "hitachi", "mitsubishi-electric"}


@pytest.fixture(scope="module")
def ranked(django_db_setup, django_db_blocker):
    """The curated records and partners, two unseen firms, and their partner fits; rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        curated_load(directory=Path(settings.BASE_DIR) / "fixtures")
        CompanyFactory(
            slug="test-maritime-autonomy",
            country="US",
            size="startup",
            description=(
                "Autonomous surface vessels and unmanned underwater vehicles for navy mine countermeasures and "
                "maritime patrol; our autonomy stack runs uncrewed boats for weeks at sea."
            ),
        )
        CompanyFactory(
            slug="test-cyber",
            country="AU",
            size="sme",
            description=(
                "Cyber security for defence networks: penetration testing, incident response, threat "
                "intelligence and security operations for government."
            ),
        )
        partner_fits_rescore(company_ids=list(Company.objects.values_list("pk", flat=True)))
        yield
        transaction.set_rollback(True)


def best(slug: str, n: int) -> list[str]:
    rows = PartnerFit.objects.filter(company__slug=slug).best_first()[:n]
    return [fit.partner.slug for fit in rows.select_related("partner")]


def test_a_maritime_autonomy_firm_gets_shipbuilders_and_maritime_integrators_first(ranked, db):
    top = best("test-maritime-autonomy", 3)

    assert set(top) <= SHIPBUILDERS_AND_MARITIME, top


def test_a_cyber_firm_gets_it_primes_first(ranked, db):
    top = best("test-cyber", 3)

    assert set(top) <= IT_PRIMES, top


def test_every_firm_keeps_its_best_partners_with_parts_that_add_up(ranked, db):
    fits = list(PartnerFit.objects.filter(company__slug="test-cyber"))

    assert len(fits) == 20
    for fit in fits:
        assert 0 <= fit.score <= 100
        assert sum(part["contribution"] for part in fit.components.values()) == pytest.approx(fit.score, abs=0.05)


def test_reasons_name_the_shared_areas_and_the_role(ranked, db):
    fit = PartnerFit.objects.get(company__slug="test-cyber", partner__slug="fujitsu")

    codes = {item["code"]: item["params"] for item in fit.reasons}
    assert "cyber" in codes["partner.shared_areas"]["areas"]
    assert codes["partner.complementary_role"] == {"role": "prime"}


def test_rescoring_twice_gives_the_same_rows(ranked, db):
    before = sorted(PartnerFit.objects.values_list("company_id", "partner_id", "score"))

    partner_fits_rescore(company_ids=list(Company.objects.values_list("pk", flat=True)))

    assert sorted(PartnerFit.objects.values_list("company_id", "partner_id", "score")) == before
