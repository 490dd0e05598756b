"""The partners loader refuses bad records with file, record and field, and writes nothing."""

import pytest

from partners.models import Partner
from web.curated import CuratedLoadError, curated_load


def test_an_unsourced_partner_is_refused_naming_the_field(db, tmp_path):
    (tmp_path / "technology_areas.yaml").write_text("- {slug: uav, name: UAV, description: Drones}\n", encoding="utf-8")
    (tmp_path / "partners.yaml").write_text(
        "- {slug: acme-jp, name: Acme, name_ja: アクメ, role: prime, size: large, capabilities: Things,"
        " contact_url: 'https://acme.example/', areas: {uav: 0.5}}\n",
        encoding="utf-8",
    )

    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=tmp_path)

    assert [str(e) for e in caught.value.errors] == [
        "partners.yaml: record acme-jp, field sources: a partner needs at least one source"
    ]
    assert not Partner.objects.exists()


def test_a_partner_cited_only_by_low_sources_must_itself_be_low(db, tmp_path):
    (tmp_path / "technology_areas.yaml").write_text("- {slug: uav, name: UAV, description: Drones}\n", encoding="utf-8")
    (tmp_path / "partners.yaml").write_text(
        "- {slug: acme-jp, name: Acme, name_ja: アクメ, role: prime, size: large, capabilities: Things,"
        " contact_url: 'https://acme.example/', areas: {uav: 0.5}, confidence: high,"
        " sources: [{url: 'https://acme.example/news', title: News, confidence: low}]}\n",
        encoding="utf-8",
    )

    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=tmp_path)

    assert [str(e) for e in caught.value.errors] == [
        "partners.yaml: record acme-jp, field confidence: Every source is low-confidence, so the record's confidence"
        " must be low (unverified) too."
    ]
    assert not Partner.objects.exists()
