"""A record the search found through a list no row shows (its area's lexicon, its keywords) says where, with the
words marked, and a found area name is marked in the row's areas (portal/search.py, the listing template)."""

import pytest

from tests.factories import CallFactory, TechnologyAreaFactory

LIST = "/opportunities/"


@pytest.fixture
def spectrum_call(db):
    ew = TechnologyAreaFactory(
        slug="ew", name="Electronic warfare", name_ja="電子戦", keywords=["electronic attack", "EW", "cognitive EW"]
    )
    call = CallFactory(title="Spectrum call", summary="Jamming.", keywords=["SIGINT", "jammer"])
    call.area_links.create(technology_area=ew, weight=1)
    return call


def test_a_record_found_through_its_areas_lexicon_says_so(anon_client, spectrum_call):
    response = anon_client.get(LIST, {"q": "EW"})
    assert [o.title for o in response.context["opportunities"]] == ["Spectrum call"]
    assert (
        "Found in the terms of the area Electronic warfare: <bdi><mark>EW</mark></bdi>, "
        "<bdi>cognitive <mark>EW</mark></bdi>" in response.text
    )


def test_on_japanese_pages_the_area_is_named_in_japanese(anon_client, spectrum_call):
    response = anon_client.get("/ja/opportunities/", {"q": "EW"})
    assert '分野「電子戦」の用語に一致：<bdi lang="en"><mark>EW</mark></bdi>' in response.text


def test_a_record_found_through_its_keywords_says_so(anon_client, spectrum_call):
    response = anon_client.get(LIST, {"q": "sigint"})
    assert "Found in its keywords: <bdi><mark>SIGINT</mark></bdi>" in response.text


def test_a_found_area_name_is_marked_and_a_record_found_in_its_title_has_no_note(anon_client, spectrum_call):
    response = anon_client.get(LIST, {"q": "electronic"})
    assert "<mark>Electronic</mark> warfare" in response.text
    assert "Found in the terms of the area Electronic warfare: <bdi><mark>electronic</mark> attack</bdi>" in (
        response.text
    )
    response = anon_client.get(LIST, {"q": "spectrum"})
    assert "<mark>Spectrum</mark> call" in response.text and "Found in" not in response.text
