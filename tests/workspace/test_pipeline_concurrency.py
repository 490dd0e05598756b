"""Two people editing one pipeline entry: a save drawn from an older version is refused (the page names what changed
and keeps what was typed; the API answers 412 to a stale If-Match), and the entry's history shows its notes."""

import pytest

from tests.factories import CallFactory
from workspace.models import PipelineEntry
from workspace.services import pipeline_entry_save

ENTRY_PAGE = "/workspace/firm-a/pipeline/laser-call/"
ENTRY_API = "/api/v1/companies/firm-a/pipeline/laser-call/"
HANA = "Call Hana at ATLA before Friday."
KEN = "Ken says the call may close early: check with him first."


@pytest.fixture
def entry(alice, firm_a):
    call = CallFactory(slug="laser-call", title="High-power laser call")
    return pipeline_entry_save(company=firm_a, opportunity=call, by=alice, notes=HANA)


def form_of(response) -> dict:
    """The entry form as the browser would post it back, unchanged."""
    form = response.context["form"]
    data = {name: form[name].value() for name in ("stage", "owner", "due_on", "notes", "version")}
    return {name: "" if value is None else value for name, value in data.items()}


def test_a_save_from_a_page_opened_before_someone_elses_save_is_refused_and_loses_nothing(
    alice_client, consultant_client, entry
):
    staff_form = form_of(alice_client.get(ENTRY_PAGE))  # staff opens the entry: notes "Call Hana…"
    consultant_form = form_of(consultant_client.get(ENTRY_PAGE))
    assert consultant_client.post(ENTRY_PAGE, consultant_form | {"notes": KEN}).status_code == 302

    refused = alice_client.post(ENTRY_PAGE, staff_form | {"stage": "pursuing"})  # staff changes only the stage

    assert refused.status_code == 200
    text = refused.text
    assert "consultant saved this entry after you opened it, changing: Notes." in text
    assert "Nothing was saved" in text
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("watching", KEN)  # the consultant's note is kept
    again = refused.context["form"]
    assert again["stage"].value() == "pursuing" and again["notes"].value() == HANA  # what staff typed is kept
    assert refused.context["conflict"] == [("Notes", KEN)]  # and the note as it is now is shown beside it

    # Saving the refused form again is deliberate now: it is drawn from the entry as it is.
    saved = alice_client.post(ENTRY_PAGE, form_of(refused) | {"notes": f"{KEN}\n{HANA}"})
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("pursuing", f"{KEN}\n{HANA}")


def test_a_page_save_with_nobody_else_in_between_goes_through(alice_client, entry):
    response = alice_client.post(ENTRY_PAGE, form_of(alice_client.get(ENTRY_PAGE)) | {"stage": "preparing"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.stage == "preparing"


def test_the_history_shows_each_change_of_the_notes_with_the_text_it_replaced(alice_client, consultant_client, entry):
    consultant_client.post(ENTRY_PAGE, form_of(consultant_client.get(ENTRY_PAGE)) | {"notes": KEN})

    page = alice_client.get(ENTRY_PAGE)

    rows = page.context["history"]
    assert [row.changed for row in rows] == [["notes"], ["stage", "due_on", "notes"]]  # changed; added with its notes
    assert f"<details data-notes><summary>{KEN}</summary>{KEN}</details>" in page.text
    assert f"<details data-notes><summary>{HANA}</summary>{HANA}</details>" in page.text  # the old note, reachable
    assert "changed (notes changed)" in page.text
    japanese = alice_client.get("/ja" + ENTRY_PAGE).text
    assert "メモを変更" in japanese


def test_the_api_sends_an_etag_and_refuses_a_put_from_a_stale_copy_with_412(alice_client, consultant_client, entry):
    read = alice_client.get(ENTRY_API)
    etag = read["ETag"]
    assert etag.startswith('"') and read.json()["note"] == HANA
    consultant_client.put(ENTRY_API, {"note": KEN}, "application/json")

    stale = alice_client.put(ENTRY_API, {"stage": "pursuing"}, "application/json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert "read it again" in stale.json()["detail"]
    assert stale["ETag"] == alice_client.get(ENTRY_API)["ETag"] != etag  # the current copy's
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("watching", KEN)


def test_a_put_with_the_current_etag_is_made_and_answers_the_next_etag(alice_client, entry):
    etag = alice_client.get(ENTRY_API)["ETag"]

    changed = alice_client.put(ENTRY_API, {"stage": "pursuing"}, "application/json", HTTP_IF_MATCH=etag)

    assert changed.status_code == 200 and changed.json()["stage"] == "pursuing"
    assert changed["ETag"] == alice_client.get(ENTRY_API)["ETag"] != etag
    again = alice_client.put(ENTRY_API, {"stage": "preparing"}, "application/json", HTTP_IF_MATCH=changed["ETag"])
    assert again.status_code == 200


def test_a_put_without_if_match_is_made_as_before(alice_client, consultant_client, entry):
    consultant_client.put(ENTRY_API, {"note": KEN}, "application/json")

    assert alice_client.put(ENTRY_API, {"stage": "pursuing"}, "application/json").status_code == 200
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("pursuing", KEN)


def test_if_none_match_star_creates_only_a_new_entry(alice_client, entry):
    exists = alice_client.put(ENTRY_API, {"stage": "won"}, "application/json", HTTP_IF_NONE_MATCH="*")

    assert exists.status_code == 412
    entry.refresh_from_db()
    assert entry.stage == "watching"


def test_a_delete_from_a_stale_copy_is_refused_with_412(alice_client, consultant_client, entry):
    etag = alice_client.get(ENTRY_API)["ETag"]
    consultant_client.put(ENTRY_API, {"note": KEN}, "application/json")

    assert alice_client.delete(ENTRY_API, HTTP_IF_MATCH=etag).status_code == 412
    assert PipelineEntry.objects.filter(pk=entry.pk).exists()
    assert alice_client.delete(ENTRY_API, HTTP_IF_MATCH=alice_client.get(ENTRY_API)["ETag"]).status_code == 204


def test_another_firms_entry_answers_404_whatever_its_preconditions(bob_client, alice_client, entry):
    etag = alice_client.get(ENTRY_API)["ETag"]

    for headers in ({"HTTP_IF_MATCH": etag}, {"HTTP_IF_MATCH": '"stale"'}, {"HTTP_IF_NONE_MATCH": "*"}):
        assert bob_client.get(ENTRY_API, **headers).status_code == 404
        assert bob_client.put(ENTRY_API, {"stage": "won"}, "application/json", **headers).status_code == 404
        assert bob_client.delete(ENTRY_API, **headers).status_code == 404
    assert bob_client.get(ENTRY_PAGE).status_code == 404
    entry.refresh_from_db()
    assert entry.stage == "watching"
