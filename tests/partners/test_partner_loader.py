"""The partners loader refuses bad records with file, record and field, and writes nothing."""

import pytest

from partners.models import Partner
from web.curated import CuratedLoadError, curated_load

PARTNER = (
    "- {slug: acme-jp, name: Acme, name_ja: アクメ, role: prime, size: large, capabilities: Things,"
    " contact_url: 'https://acme.example/', areas: {uav: 0.5}%s}\n"
)


def load_errors(tmp_path, extra: str = "") -> list[str]:
    """Load one partner record (PARTNER with EXTRA fields) and return the load's errors."""
    (tmp_path / "technology_areas.yaml").write_text(
        "- {slug: uav, name: UAV, description: Drones, keywords: [UAS]}\n", encoding="utf-8"
    )
    (tmp_path / "partners.yaml").write_text(PARTNER % extra, encoding="utf-8")
    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=tmp_path)
    return [str(e) for e in caught.value.errors]


def test_an_unsourced_partner_is_refused_naming_the_field(db, tmp_path):
    assert load_errors(tmp_path) == [
        "partners.yaml: record acme-jp, field sources: a partner needs at least one source"
    ]
    assert not Partner.objects.exists()


def test_a_partner_cited_only_by_low_sources_must_itself_be_low(db, tmp_path):
    low = ", confidence: high, sources: [{url: 'https://acme.example/news', title: News, confidence: low}]"

    assert load_errors(tmp_path, low) == [
        "partners.yaml: record acme-jp, field confidence: Every source is low-confidence, so the record's confidence"
        " must be low (unverified) too."
    ]
    assert not Partner.objects.exists()


def test_the_loader_keeps_short_names_as_one_clean_list(db, tmp_path):
    source = ", short_names: ' KHI,,Kawasaki, khi ', sources: [{url: 'https://acme.example/news', title: News}]"
    (tmp_path / "technology_areas.yaml").write_text(
        "- {slug: uav, name: UAV, description: Drones, keywords: [UAS]}\n", encoding="utf-8"
    )
    (tmp_path / "partners.yaml").write_text(PARTNER % source, encoding="utf-8")

    curated_load(directory=tmp_path)

    assert Partner.objects.get(slug="acme-jp").short_names == "KHI, Kawasaki"
