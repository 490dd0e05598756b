"""Who does what in a firm's pipeline: only editors may own an entry (a viewer owner is refused by name, and the
owner choices list editors only), and a viewer's board says what a viewer can do instead of "Follow or Pursue"."""

import pytest

from tests.factories import CallFactory
from workspace.models import PipelineEntry
from workspace.services import pipeline_entry_save

BOARD = "/workspace/firm-a/pipeline/"
ENTRY_PAGE = "/workspace/firm-a/pipeline/laser-call/"


@pytest.fixture
def entry(alice, firm_a):
    call = CallFactory(slug="laser-call", title="High-power laser call")
    return pipeline_entry_save(company=firm_a, opportunity=call, by=alice)


def test_the_owner_choices_list_the_firms_editors_not_its_viewers(alice_client, carol, entry):
    choices = [label for _value, label in alice_client.get(ENTRY_PAGE).context["form"].fields["owner"].choices]
    assert "alice" in choices and "carol" not in choices


def test_a_viewer_made_owner_on_the_page_is_refused_beside_the_field(alice_client, carol, entry):
    form = alice_client.get(ENTRY_PAGE).context["form"]
    data = {"stage": "watching", "owner": str(carol.pk), "due_on": "", "notes": "", "version": form["version"].value()}

    response = alice_client.post(ENTRY_PAGE, data)

    assert response.status_code == 400
    said = "carol is a viewer at the firm and cannot change its pipeline: choose one of its editors as owner."
    assert response.context["form"].errors["owner"] == [said]  # as the API and the admin say it
    assert PipelineEntry.objects.get(pk=entry.pk).owner is None


def test_an_owner_from_outside_the_firm_on_the_page_is_refused_with_a_400(alice_client, bob, entry):
    form = alice_client.get(ENTRY_PAGE).context["form"]
    data = {"stage": "watching", "owner": str(bob.pk), "due_on": "", "notes": "", "version": form["version"].value()}

    response = alice_client.post(ENTRY_PAGE, data)

    assert response.status_code == 400
    assert response.context["form"].errors["owner"] == ["The owner must be one of the firm's editors."]
    assert "bob" not in response.context["form"].errors["owner"][0]  # another firm's user is not named


@pytest.mark.parametrize("owner", ["²", "①"])
def test_an_owner_posted_as_a_digit_that_is_not_a_number_is_refused_beside_the_field(alice_client, entry, owner):
    """Superscript and circled digits pass str.isdigit but are no user's id: a 400 with the field's words, not a 500."""
    form = alice_client.get(ENTRY_PAGE).context["form"]
    data = {"stage": "pursuing", "owner": owner, "due_on": "", "notes": "", "version": form["version"].value()}

    response = alice_client.post(ENTRY_PAGE, data)

    assert response.status_code == 400
    assert response.context["form"].errors["owner"] == ["The owner must be one of the firm's editors."]
    assert PipelineEntry.objects.get(pk=entry.pk).stage == "watching"


def test_a_viewers_board_says_what_a_viewer_can_do(carol, entry):
    from tests.conftest import _client_for

    page = _client_for(carol).get(BOARD).text
    assert "Follow or Pursue a record" not in page
    assert "Your firm's editors add and move them" in page


def test_an_editors_board_still_says_follow_or_pursue(alice_client, entry):
    assert "Follow or Pursue a record" in alice_client.get(BOARD).text


def test_the_profile_form_says_founding_year_is_kept_by_consultants(alice_client, firm_a):
    page = alice_client.get("/companies/firm-a/edit/").text
    assert "Name, country, size and founding year are kept by Kakehashi" in page
    assert 'name="founded"' not in page
