"""The opportunity search reads words: punctuation around a word is not part of it, a search of punctuation alone
finds nothing and says so, keyword lists answer to their words (not their JSON), a quoted phrase is its words in
order, and an acronym's plural finds the acronym (portal/search.py)."""

import pytest

from tests.factories import CallFactory, TechnologyAreaFactory
from tests.pages import listing_titles

LIST = "/opportunities/"
API = "/api/v1/opportunities/"


@pytest.fixture
def records(db):
    """Every record has keyword lists, stored as JSON text (["...", "..."]) that the database searches."""
    ai = TechnologyAreaFactory(slug="ai", name="AI and autonomy", keywords=["AI", "machine learning"])
    usv = CallFactory(
        title="Surface vessel call", summary="Boats that steer themselves.", keywords=["uncrewed surface vessel"]
    )
    usv.area_links.create(technology_area=ai, weight=1)
    CallFactory(title="Drone call", summary="A UAV for the coast.", keywords=["surface search radar", "uncrewed"])
    CallFactory(title="Targeting call", summary="AI for targeting.", keywords=["targeting"])


@pytest.mark.parametrize("query", ["[", "]", ",", '"', '""', "[ , ]", "「」"])
def test_a_search_of_punctuation_alone_finds_nothing_and_says_why(anon_client, records, query):
    response = anon_client.get(LIST, {"q": query})
    assert listing_titles(response) == []
    assert "has no letter or digit, so it has no word to find" in response.text
    assert anon_client.get(API, {"q": query}).json()["count"] == 0


def test_quotes_find_the_word_inside_them_and_mark_it(anon_client, records):
    response = anon_client.get(LIST, {"q": '"AI"'})
    assert listing_titles(response) == ["Surface vessel call", "Targeting call"]
    assert "<mark>AI</mark> for targeting." in response.text


@pytest.mark.parametrize("query", ["(AI)", "AI.", "'AI'", "“AI”", "AI,", "ＡＩ"])
def test_punctuation_around_a_word_is_not_part_of_it(anon_client, records, query):
    response = anon_client.get(LIST, {"q": query})
    assert listing_titles(response) == ["Surface vessel call", "Targeting call"]
    assert "<mark>AI</mark> for targeting." in response.text


def test_a_quoted_phrase_finds_its_words_in_that_order(anon_client, records):
    response = anon_client.get(LIST, {"q": '"uncrewed surface"'})
    # Not the drone call, whose keyword list holds "surface search radar" and "uncrewed" as two entries.
    assert listing_titles(response) == ["Surface vessel call"]
    assert anon_client.get(API, {"q": '"uncrewed surface"'}).json()["count"] == 1
    # Without quotes, the words may be anywhere.
    anywhere = anon_client.get(LIST, {"q": "uncrewed surface"})
    assert sorted(listing_titles(anywhere)) == ["Drone call", "Surface vessel call"]


def test_a_quoted_phrase_is_marked_as_one(anon_client, db):
    CallFactory(title="Uncrewed surface craft call", summary="A surface craft, uncrewed.")
    response = anon_client.get(LIST, {"q": '"uncrewed surface"'})
    assert "<mark>Uncrewed surface</mark> craft call" in response.text
    assert "A surface craft, uncrewed." in response.text  # the words apart are not the phrase


def test_an_acronym_in_the_plural_finds_the_acronym(anon_client, records):
    response = anon_client.get(LIST, {"q": "UAVs"})
    assert listing_titles(response) == ["Drone call"]
    assert "A <mark>UAV</mark> for the coast." in response.text
    assert listing_titles(anon_client.get(LIST, {"q": "AIs"})) == ["Surface vessel call", "Targeting call"]
