"""Consultants edit an area's lexicon and related terms in the admin: one per line, with history, and a rescore."""

import pytest
from django.urls import reverse

from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity, TechnologyArea
from tests.factories import CompanyFactory, OpportunityFactory
from web.curated import CuratedLoadError, curated_load


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


def _posted(consultant_client, area: TechnologyArea, **typed: str):
    data = {
        "slug": area.slug,
        "name": area.name,
        "name_ja": "",
        "description": area.description,
        "keywords": "AUV",
        "related_terms": "",
        "change_reason": "Lexicon",
    }
    return consultant_client.post(reverse("admin:programmes_technologyarea_change", args=[area.pk]), data | typed)


@pytest.mark.django_db
def test_a_phrase_repeated_in_another_case_is_kept_once_as_first_written(consultant_client):
    area = _area()

    response = _posted(
        consultant_client, area, keywords="Bluebottle\nAUV\nbluebottle\nauv", related_terms="Seafloor\nSEAFLOOR\nsubsea"
    )

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.keywords == ["Bluebottle", "AUV"]
    assert area.related_terms == ["Seafloor", "subsea"]


@pytest.mark.django_db
def test_a_lexicon_of_blank_lines_is_refused_on_the_field_and_nothing_is_rescored(consultant_client):
    area = _area()

    response = _posted(consultant_client, area, keywords="  \n \t\n")

    assert response.status_code == 200
    assert "Give the lexicon one word or phrase at least" in str(response.context["adminform"].form.errors["keywords"])
    area.refresh_from_db()
    assert area.keywords == ["AUV"]
    assert not MatchRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["keywords", "related_terms"])
def test_a_line_of_pasted_text_in_the_lexicon_is_refused_saying_the_limit(consultant_client, field):
    area = _area()

    response = _posted(consultant_client, area, **{field: "AUV\n" + "glider " * 700})

    assert response.status_code == 200
    said = str(response.context["adminform"].form.errors[field])
    assert "80 characters or fewer" in said and "this one has 4899" in said
    area.refresh_from_db()
    assert (area.keywords, area.related_terms) == (["AUV"], [])


@pytest.mark.django_db
def test_the_curated_load_refuses_an_empty_lexicon_naming_the_area_and_field(tmp_path):
    (tmp_path / "technology_areas.yaml").write_text(
        "- {slug: uav, name: UAV, description: Drones, keywords: []}\n", encoding="utf-8"
    )

    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=tmp_path)

    assert [str(error) for error in caught.value.errors] == [
        "technology_areas.yaml: record uav, field keywords: Give the lexicon one word or phrase at least: the scorer "
        "reads it as the area's evidence."
    ]
