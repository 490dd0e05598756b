"""A signed-out user who presses a button (the session ran out) signs in and lands on the page the button was on,
never on a blank 405 from the POST-only action."""

import pytest

ACTIONS = [
    "/workspace/firm-a/pipeline/some-record/set/",  # Follow / Pursue
    "/workspace/firm-a/matches/some-record/not-relevant/",  # Not relevant
    "/my/saved-searches/",  # Save this search
    "/partners/some-partner/introduce/",  # Ask for an introduction
    "/my/matches/tick-area/",  # Tick area
]
PAGE = "/opportunities/some-record/?tab=matches"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
def test_signing_in_after_a_signed_out_button_returns_to_its_page(client, alice, action):
    pressed = client.post(action, {}, HTTP_REFERER=f"http://testserver{PAGE}")

    assert pressed.status_code == 302
    assert pressed["Location"] == "/accounts/login/?next=%2Fopportunities%2Fsome-record%2F%3Ftab%3Dmatches"
    page = client.get(pressed["Location"])
    signed_in = client.post(
        pressed["Location"],
        {"username": "alice", "password": "correct horse battery staple", "next": page.context["next"]},
    )
    assert signed_in["Location"] == PAGE


@pytest.mark.django_db
def test_the_forms_own_next_field_wins_and_the_language_is_kept(client):
    pressed = client.post(
        "/ja/workspace/firm-a/pipeline/some-record/set/", {"next": "/ja/my/matches/"}, HTTP_REFERER="/ja/"
    )

    assert pressed["Location"] == "/ja/accounts/login/?next=%2Fja%2Fmy%2Fmatches%2F"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/phish/",
        "//evil.example/",
        "",
        "http://testserver//evil.example/x",  # this site, but its path alone reads as another site
        "http://testserver/\\evil.example/",
    ],
)
def test_another_sites_page_is_never_the_way_back(client, referer):
    pressed = client.post("/my/matches/tick-area/", {"next": "https://evil.example/"}, HTTP_REFERER=referer)

    assert pressed["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_a_signed_out_page_visit_still_returns_to_itself(client):
    visited = client.get("/my/matches/")

    assert visited["Location"] == "/accounts/login/?next=/my/matches/"
