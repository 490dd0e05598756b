"""Consultants read a stored match's reasons and gaps in words in the admin, beside the stored items."""

from tests.factories import CertificationFactory, MatchFactory, TechnologyAreaFactory


def test_the_admin_shows_reasons_and_gaps_in_words(consultant_client, db):
    TechnologyAreaFactory(slug="uav", name="Uncrewed aerial vehicles")
    CertificationFactory(code="as9100d", name="AS9100D")
    match = MatchFactory(
        reasons=[{"code": "ticked", "params": {"area": "uav"}}],
        gaps=[{"code": "certifications_missing", "params": {"certifications": ["as9100d"]}}, "<b>old text</b>"],
    )
    response = consultant_client.get(f"/admin/matching/match/{match.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<p>declares Uncrewed aerial vehicles</p>" in text
    assert "<p>no AS9100D: obtain AS9100D</p>" in text
    assert "<p>&lt;b&gt;old text&lt;/b&gt;</p>" in text
