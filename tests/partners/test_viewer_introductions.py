"""A viewer of a firm changes nothing, so asks for no introduction on its behalf: the partner page shows a viewer
why instead of the form, and the page's POST and the API answer 403 with the reason; the firm's editors still ask."""

import pytest

from partners.models import Introduction

pytestmark = pytest.mark.django_db

REASON = "Only the firm&#x27;s editors can ask for introductions on its behalf."
BODY = {"company": "firm-a", "partner": "shipyard-kk", "message": "We build USVs and want a shipyard partner."}


def test_a_viewer_sees_no_request_form_but_the_reason(carol_client, partners):
    page = carol_client.get("/partners/shipyard-kk/").content.decode()

    assert "Ask for an introduction" in page
    assert "Only your firm's editors can ask for introductions on its behalf." in page
    assert 'action="/partners/shipyard-kk/introduce/"' not in page


def test_a_viewer_posting_the_page_form_gets_403_with_the_reason(carol_client, partners):
    response = carol_client.post("/partners/shipyard-kk/introduce/", BODY)

    assert response.status_code == 403
    assert REASON in response.content.decode()
    assert not Introduction.objects.exists()


def test_a_viewer_asking_through_the_api_gets_403_with_the_reason(carol_client, partners):
    response = carol_client.post("/api/v1/introductions/", BODY, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the firm's editors can ask for introductions on its behalf."}
    assert not Introduction.objects.exists()


def test_the_japanese_page_tells_a_viewer_in_japanese(carol_client, partners):
    page = carol_client.get("/ja/partners/shipyard-kk/").content.decode()

    assert "紹介を依頼できるのは、貴社の編集者だけです。" in page
    assert carol_client.post("/ja/partners/shipyard-kk/introduce/", BODY).status_code == 403


def test_an_editor_still_sees_the_form_and_asks(alice_client, partners):
    page = alice_client.get("/partners/shipyard-kk/").content.decode()
    assert 'action="/partners/shipyard-kk/introduce/"' in page

    response = alice_client.post("/partners/shipyard-kk/introduce/", BODY)

    assert response.status_code == 302
    assert Introduction.objects.get().company.slug == "firm-a"
