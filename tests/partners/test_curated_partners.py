"""The curated partners: at least 40 real Japanese organisations, each sourced, honest about confidence."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction

from partners.models import Partner
from programmes.models import Confidence
from web.curated import curated_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FACTS = Path("/work/shared/research/domain-facts.md")


@pytest.fixture(scope="module")
def curated(django_db_setup, django_db_blocker):
    """The real fixtures, loaded once for this module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield curated_load(directory=FIXTURES)
        transaction.set_rollback(True)


def test_at_least_40_partners_are_loaded_with_both_names(curated, db):
    partners = list(Partner.objects.all())

    assert len(partners) >= 40
    assert all(p.name and p.name_ja for p in partners)
    assert curated.counts[("partners", "created")] == len(partners)


def test_every_partner_has_its_own_dated_source_and_a_public_web_contact(curated, db):
    partners = list(Partner.objects.prefetch_related("sources"))
    cited_by: dict[str, set[str]] = {}
    for partner in partners:
        for source in partner.sources.all():
            cited_by.setdefault(source.url, set()).add(partner.slug)
    for partner in partners:
        sources = list(partner.sources.all())
        assert sources, f"{partner.slug} has no source"
        assert all(urlparse(s.url).scheme == "https" or s.url.startswith("http://") for s in sources)
        assert all(s.accessed_on for s in sources), partner.slug
        if not partner.contact_url:  # no source gives its own site: the page says so
            continue
        assert urlparse(partner.contact_url).scheme in {"http", "https"}, partner.slug
        assert "@" not in partner.contact_url and not partner.contact_url.startswith("mailto:")
        # A page cited for several partners is an article about them, not one partner's own page.
        assert len(cited_by.get(partner.contact_url, set())) <= 1, partner.slug


def test_low_sources_make_the_record_low(curated, db):
    for partner in Partner.objects.prefetch_related("sources"):
        if all(s.confidence == Confidence.LOW for s in partner.sources.all()):
            assert partner.confidence == Confidence.LOW, partner.slug


def test_section_8_starting_set_is_there_with_the_right_roles(curated, db):
    roles = dict(Partner.objects.values_list("slug", "role"))

    for slug in ("mitsubishi-heavy-industries", "kawasaki-heavy-industries", "fujitsu", "mitsubishi-electric", "nec"):
        assert roles[slug] == Partner.Role.PRIME
    assert roles["japan-aircraft-industrial-enhancement"] == Partner.Role.PRIME
    assert roles["japan-association-of-defense-industry"] == Partner.Role.INDUSTRY_BODY
    assert roles["itochu-aviation"] == Partner.Role.TRADING_HOUSE
    for slug in ("terra-labo", "metroweather", "innophys", "kuando", "irspec", "spinsensingfactory"):
        assert roles[slug] == Partner.Role.STARTUP
    assert roles["tamagawa-seiki"] == Partner.Role.SME


def test_foreign_partnerships_each_cite_a_source_from_the_facts_file(curated, db):
    facts = FACTS.read_text(encoding="utf-8") if FACTS.exists() else None
    mhi = Partner.objects.get(slug="mitsubishi-heavy-industries")
    ties = {tie.counterpart: tie for tie in mhi.foreign_partnerships.all()}

    assert {"Shield AI", "RTX (Raytheon)", "Australian Department of Defence"} <= set(ties)
    assert str(ties["Australian Department of Defence"].country) == "AU"
    if facts is not None:  # the facts file is shared research, not part of the repository
        from partners.models import ForeignPartnership

        for tie in ForeignPartnership.objects.all():
            assert tie.source_url in facts, f"{tie.partner.slug} ~ {tie.counterpart}: {tie.source_url}"


def test_known_programmes_link_to_curated_records(curated, db):
    mhi = Partner.objects.get(slug="mitsubishi-heavy-industries")
    jaiec = Partner.objects.get(slug="japan-aircraft-industrial-enhancement")

    assert "sea3000-general-purpose-frigate" in set(mhi.programmes.values_list("slug", flat=True))
    assert list(jaiec.programmes.values_list("slug", flat=True)) == ["gcap"]


def test_loading_twice_leaves_every_partner_unchanged(curated, db):
    again = curated_load(directory=FIXTURES)

    assert again.counts[("partners", "updated")] == 0
    assert again.counts[("partners", "unchanged")] == Partner.objects.count()


def test_the_partner_search_finds_the_big_firms_by_the_acronyms_people_use(curated, db, anon_client):
    def found(q: str) -> list[str]:
        return [p["slug"] for p in anon_client.get("/api/v1/partners/", {"q": q}).json()["results"]]

    assert found("MHI") == ["mitsubishi-heavy-industries"]
    assert found("jmu") == ["japan-marine-united"]
    assert "Japan Marine United" in anon_client.get("/partners/", {"q": "JMU"}).text
