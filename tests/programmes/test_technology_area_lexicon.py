"""Consultants edit an area's lexicon and related terms in the admin: one per line, with history, and a rescore."""

from django.urls import reverse

from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity, TechnologyArea
from tests.factories import CompanyFactory, OpportunityFactory


def _area() -> TechnologyArea:
    return TechnologyArea.objects.create(
        slug="uuv",
        name="Uncrewed underwater vehicles",
        description="Autonomous vehicles under the sea.",
        keywords=["AUV"],
    )


def test_editing_the_lexicon_records_history_and_rescores_every_firm(
    consultant, consultant_client, django_capture_on_commit_callbacks
):
    area = _area()
    OpportunityFactory(
        slug="atla-uuv",
        kind=Opportunity.Kind.PRIORITY_AREA,
        areas=[area],
        title="Undersea",
        summary="Partners for undersea work.",
    )
    firm = CompanyFactory(slug="gliders", country="AU", description="We build Slocum gliders for navies.")
    url = reverse("admin:programmes_technologyarea_change", args=[area.pk])
    page = consultant_client.get(url)
    assert page.status_code == 200
    assert "AUV" in page.content.decode()

    data = {
        "slug": "uuv",
        "name": area.name,
        "name_ja": "",
        "description": area.description,
        "keywords": "AUV\nSlocum glider\n  \nAUV",
        "related_terms": "seafloor\nsubsea",
        "change_reason": "Glider jargon",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(url, data)

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.keywords == ["AUV", "Slocum glider"]
    assert area.related_terms == ["seafloor", "subsea"]
    row = area.history.latest()
    assert (row.keywords, row.history_user, row.history_change_reason) == (area.keywords, consultant, "Glider jargon")
    run = MatchRun.objects.get(scope=MatchRun.Scope.ALL)
    assert run.status == MatchRun.Status.SUCCEEDED
    match = Match.objects.get(company=firm, opportunity__slug="atla-uuv")
    assert any("Slocum glider" in render(reason) for reason in match.reasons)


def test_saving_an_area_without_a_scored_change_does_not_rescore(
    consultant, consultant_client, django_capture_on_commit_callbacks
):
    area = _area()
    url = reverse("admin:programmes_technologyarea_change", args=[area.pk])
    data = {
        "slug": "uuv",
        "name": area.name,
        "name_ja": "無人水中航走体",
        "description": area.description,
        "keywords": "AUV",
        "related_terms": "",
        "change_reason": "Japanese name",
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert consultant_client.post(url, data).status_code == 302
    assert TechnologyArea.objects.get(pk=area.pk).name_ja == "無人水中航走体"
    assert not MatchRun.objects.exists()
