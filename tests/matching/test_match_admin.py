"""Consultants read a stored match in the admin: its score rounded, its parts and its reasons and gaps in words, in
their language, beside the stored items."""

from tests.factories import CertificationFactory, MatchFactory, TechnologyAreaFactory


def test_the_admin_shows_reasons_and_gaps_in_words(consultant_client, db):
    TechnologyAreaFactory(slug="uav", name="Uncrewed aerial vehicles")
    CertificationFactory(code="as9100d", name="AS9100D")
    match = MatchFactory(
        score=94.56999969482422,  # as a float32 sum is stored: 94.57, not cut to 94.56
        components={
            "capability": {"value": 0.9458, "contribution": 66.21},
            "eligibility": {"value": 1.0, "contribution": 11.35},
        },
        reasons=[{"code": "ticked", "params": {"area": "uav"}}],
        gaps=[{"code": "certifications_missing", "params": {"certifications": ["as9100d"]}}, "<b>old text</b>"],
    )
    response = consultant_client.get(f"/admin/matching/match/{match.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<p>declares Uncrewed aerial vehicles</p>" in text
    assert "<p>no AS9100D: obtain AS9100D</p>" in text
    assert "<p>&lt;b&gt;old text&lt;/b&gt;</p>" in text
    assert "94.57" in text and "94.56" not in text
    assert "<p>Capability: value 0.9458, weight 0.70, 66.21 points</p>" in text

    japanese = consultant_client.get(f"/ja/admin/matching/match/{match.pk}/change/").content.decode()
    assert "<p>技術適合：値 0.9458、重み 0.70、66.21 点</p>" in japanese
    assert "capability" not in japanese


def test_a_run_a_curators_edit_starts_names_the_curator_once_on_its_admin_page(consultant, consultant_client):
    from matching.models import MatchRun
    from programmes.services import opportunity_update
    from tests.factories import OpportunityFactory

    record = OpportunityFactory(slug="uav-call", areas=[TechnologyAreaFactory(slug="uav")])
    opportunity_update(opportunity=record, data={"title": "UAV call, extended"}, by=consultant, reason="")

    run = MatchRun.objects.get(scope=MatchRun.Scope.OPPORTUNITY, opportunity=record)
    assert run.requested_by == consultant
    page = consultant_client.get(f"/admin/matching/matchrun/{run.pk}/change/").content.decode()
    assert page.count("Requested by") == 1 and "None" not in page
