"""A pipeline entry's history says what each change did, leaves the notes cell empty when the notes stayed, and keeps
the line breaks of notes written on several lines (on the entry's page and on the board), escaped."""

import pytest

from companies.models import Membership
from tests.factories import CallFactory, MembershipFactory, UserFactory
from workspace.services import pipeline_entry_save

ENTRY_PAGE = "/workspace/firm-a/pipeline/laser-call/"
BOARD = "/workspace/firm-a/pipeline/"


@pytest.fixture
def entry(alice, firm_a):
    call = CallFactory(slug="laser-call", title="High-power laser call")
    return pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="preparing", owner=alice)


def test_a_change_of_stage_and_owner_says_each_before_and_after(alice_client, alice, firm_a, entry):
    dana = UserFactory(username="dana")
    MembershipFactory(user=dana, company=firm_a, role=Membership.Role.EDITOR)
    pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, stage="submitted", owner=dana)

    page = alice_client.get(ENTRY_PAGE).text

    assert "<td>Stage: Preparing → Submitted; owner: alice → dana</td>" in page


def test_a_change_that_left_the_notes_alone_shows_no_dash_in_the_notes_column(alice_client, alice, firm_a, entry):
    pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, stage="submitted")

    rows = alice_client.get(ENTRY_PAGE).text.split("<tbody>")[1].split("</tr>")[0]

    assert "<td></td>" in rows  # the notes cell of the stage change: empty, not "—" (which read as "cleared")
    assert "Stage: Preparing → Submitted" in rows


def test_notes_on_several_lines_keep_their_line_breaks_escaped(alice_client, alice, firm_a, entry):
    notes = "Call Hana first.\nThen <b>Ken</b>."
    pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, notes=notes)

    expected = "Call Hana first.<br>Then &lt;b&gt;Ken&lt;/b&gt;."
    assert expected in alice_client.get(ENTRY_PAGE).text
    assert expected in alice_client.get(BOARD).text


def test_a_consultants_save_is_shown_to_the_firm_as_a_kakehashi_consultant_and_by_name_to_consultants(
    alice_client, consultant_client, consultant, firm_a, entry
):
    pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=consultant, stage="submitted")

    firm_sees = alice_client.get(ENTRY_PAGE).text.split("<tbody>")[1].split("</tr>")[0]
    japanese = alice_client.get("/ja" + ENTRY_PAGE).text.split("<tbody>")[1].split("</tr>")[0]
    consultant_sees = consultant_client.get(ENTRY_PAGE).text.split("<tbody>")[1].split("</tr>")[0]

    assert "<td>A Kakehashi consultant</td>" in firm_sees and f"<td>{consultant.username}</td>" not in firm_sees
    assert "<td>架け橋のコンサルタント</td>" in japanese
    assert f"<td>{consultant.username}</td>" in consultant_sees
    assert "<td>alice</td>" in alice_client.get(ENTRY_PAGE).text  # the firm's own staff stay named
