"""Two people editing one pipeline entry: a save drawn from an older version is refused (the page names what changed
and keeps what was typed; the API answers 412 to a stale If-Match), and the entry's history shows its notes."""

import datetime

import pytest
from django.utils import timezone

from programmes.models import Opportunity
from tests.factories import CallFactory
from workspace.models import PipelineEntry
from workspace.services import pipeline_entry_delete, pipeline_entry_save
from workspace.versions import PipelineEntryConflict

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

    assert refused.status_code == 409
    text = refused.text
    assert "consultant saved this entry after you opened it, changing: Notes." in text
    assert "Nothing was saved" in text
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("watching", KEN)  # the consultant's note is kept
    again = refused.context["form"]
    assert again["stage"].value() == "pursuing"  # what staff changed is kept
    assert again["notes"].value() == KEN  # and the note staff left alone is the consultant's now
    assert refused.context["conflict"] == [("Notes", KEN)]  # the consultant's change, shown above the form

    # Saving the refused form again, unchanged, keeps both changes: nobody's note is written over.
    saved = alice_client.post(ENTRY_PAGE, form_of(refused))
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("pursuing", KEN)


def test_after_a_refusal_the_fields_the_user_never_touched_take_the_colleagues_values(
    alice_client, consultant_client, alice, entry
):
    staff_form = form_of(alice_client.get(ENTRY_PAGE))
    consultant_form = form_of(consultant_client.get(ENTRY_PAGE))
    changed = consultant_form | {"stage": "preparing", "owner": str(alice.pk), "due_on": "2027-01-15", "notes": KEN}
    assert consultant_client.post(ENTRY_PAGE, changed).status_code == 302

    refused = alice_client.post(ENTRY_PAGE, staff_form | {"due_on": "2027-02-01"})  # staff moves only the due date
    alice_client.post(ENTRY_PAGE, form_of(refused))

    entry.refresh_from_db()
    assert (entry.stage, entry.owner, entry.notes) == ("preparing", alice, KEN)  # none of the consultant's reverted
    assert entry.due_on.isoformat() == "2027-02-01"


def test_when_both_changed_the_notes_the_form_keeps_the_users_and_shows_the_colleagues_beside_it(
    alice_client, consultant_client, entry
):
    staff_form = form_of(alice_client.get(ENTRY_PAGE))
    consultant_client.post(ENTRY_PAGE, form_of(consultant_client.get(ENTRY_PAGE)) | {"notes": KEN})

    refused = alice_client.post(ENTRY_PAGE, staff_form | {"notes": "Budget approved."})

    form = refused.context["form"]
    assert form["notes"].value() == "Budget approved."
    assert f"consultant changed this meanwhile to: {KEN}. Your value is kept here." in form.errors["notes"]
    assert "shown above it" not in refused.text
    entry.refresh_from_db()
    assert entry.notes == KEN


def test_a_save_after_a_colleague_removed_the_entry_keeps_what_was_typed_and_saving_again_adds_it_back(
    alice_client, consultant, entry
):
    staff_form = form_of(alice_client.get(ENTRY_PAGE))
    pipeline_entry_delete(entry=entry, by=consultant)

    refused = alice_client.post(ENTRY_PAGE, staff_form | {"stage": "pursuing", "notes": "Budget approved."})

    assert refused.status_code == 409
    assert "This entry was removed from the pipeline after you opened it." in refused.text
    form = refused.context["form"]
    assert (form["stage"].value(), form["notes"].value()) == ("pursuing", "Budget approved.")
    assert not PipelineEntry.objects.exists()
    assert alice_client.post(ENTRY_PAGE, form_of(refused)).status_code == 302
    back = PipelineEntry.objects.get()
    assert (back.stage, back.notes) == ("pursuing", "Budget approved.")


def test_a_removed_entry_is_added_back_only_if_nobody_added_it_meanwhile(alice_client, alice, consultant, entry):
    staff_form = form_of(alice_client.get(ENTRY_PAGE))
    pipeline_entry_delete(entry=entry, by=consultant)
    refused = alice_client.post(ENTRY_PAGE, staff_form | {"notes": "Budget approved."})
    pipeline_entry_save(company=entry.company, opportunity=entry.opportunity, by=consultant, notes=KEN)

    again = alice_client.post(ENTRY_PAGE, form_of(refused))

    assert again.status_code == 409 and "Nothing was saved" in again.text
    assert PipelineEntry.objects.get().notes == KEN


def test_another_firms_staff_posting_to_a_removed_entry_get_404(bob_client, alice_client, consultant, entry):
    staff_form = form_of(alice_client.get(ENTRY_PAGE))
    pipeline_entry_delete(entry=entry, by=consultant)

    assert bob_client.post(ENTRY_PAGE, staff_form).status_code == 404
    assert alice_client.get(ENTRY_PAGE).status_code == 404  # reading a removed entry is still a 404
    assert not PipelineEntry.objects.exists()


def test_removing_an_entry_a_colleague_changed_since_the_page_was_drawn_is_refused(
    alice_client, consultant_client, entry
):
    page = alice_client.get(ENTRY_PAGE)
    assert 'name="version"' in page.text.split("pipeline/laser-call/delete/")[1].split("</form>")[0]
    version = form_of(page)["version"]
    consultant_client.post(ENTRY_PAGE, form_of(consultant_client.get(ENTRY_PAGE)) | {"notes": KEN})

    refused = alice_client.post(ENTRY_PAGE + "delete/", {"version": version}, follow=True)

    assert "consultant saved this entry after you opened it, changing: Notes. It was not removed" in refused.text
    assert PipelineEntry.objects.filter(pk=entry.pk).exists()
    current = form_of(alice_client.get(ENTRY_PAGE))["version"]
    assert alice_client.post(ENTRY_PAGE + "delete/", {"version": current}).status_code == 302
    assert not PipelineEntry.objects.exists()


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
    assert "<td>Notes changed</td>" in page.text
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
    assert exists.json()["detail"].startswith("The firm already has this entry")  # not a word about If-Match
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


def test_a_record_renamed_by_a_curator_leaves_the_entrys_etag_and_a_put_with_it_is_made(alice_client, entry):
    read = alice_client.get(ENTRY_API)
    entry.opportunity.title = "High-power laser call (second round)"
    entry.opportunity.save()

    changed = alice_client.put(ENTRY_API, {"stage": "pursuing"}, "application/json", HTTP_IF_MATCH=read["ETag"])

    assert changed.status_code == 200
    assert changed.json()["title"] == "High-power laser call (second round)"
    entry.refresh_from_db()
    assert entry.stage == "pursuing"


def test_a_client_polling_by_date_sees_the_record_renamed_by_a_curator(alice_client, entry):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    PipelineEntry.objects.filter(pk=entry.pk).update(updated_at=an_hour_ago)
    Opportunity.objects.filter(pk=entry.opportunity_id).update(updated_at=an_hour_ago)
    read = alice_client.get(ENTRY_API)
    assert alice_client.get(ENTRY_API, HTTP_IF_MODIFIED_SINCE=read["Last-Modified"]).status_code == 304

    entry.opportunity.title = "High-power laser call (second round)"
    entry.opportunity.save()
    again = alice_client.get(ENTRY_API, HTTP_IF_MODIFIED_SINCE=read["Last-Modified"])

    assert again.status_code == 200 and again.json()["title"] == "High-power laser call (second round)"
    assert again["Last-Modified"] != read["Last-Modified"]


def test_a_get_with_the_current_etag_answers_304_and_a_changed_entry_a_new_etag(alice_client, consultant, entry):
    etag = alice_client.get(ENTRY_API)["ETag"]

    assert alice_client.get(ENTRY_API, HTTP_IF_NONE_MATCH=etag).status_code == 304
    pipeline_entry_save(company=entry.company, opportunity=entry.opportunity, by=consultant, notes=KEN)
    fresh = alice_client.get(ENTRY_API, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag and fresh.json()["note"] == KEN


def test_must_create_is_checked_under_the_lock_and_refuses_an_entry_that_exists(alice, entry):
    # As when If-None-Match: * was read before another request added the entry: the service's own check refuses.
    with pytest.raises(PipelineEntryConflict):
        pipeline_entry_save(
            company=entry.company, opportunity=entry.opportunity, by=alice, stage="won", must_create=True
        )
    entry.refresh_from_db()
    assert entry.stage == "watching"


def test_if_match_star_on_an_entry_that_does_not_exist_says_so_and_creates_nothing(alice_client, firm_a):
    CallFactory(slug="new-call")
    url = "/api/v1/companies/firm-a/pipeline/new-call/"

    refused = alice_client.put(url, {"stage": "pursuing"}, "application/json", HTTP_IF_MATCH="*")

    assert refused.status_code == 412
    assert refused.json()["detail"].startswith("The firm has no such entry")
    assert not PipelineEntry.objects.filter(opportunity__slug="new-call").exists()


def test_if_none_match_star_creates_an_entry_that_does_not_exist_yet(alice_client, firm_a):
    CallFactory(slug="new-call")
    url = "/api/v1/companies/firm-a/pipeline/new-call/"

    created = alice_client.put(url, {"stage": "pursuing"}, "application/json", HTTP_IF_NONE_MATCH="*")

    assert created.status_code == 201 and created["ETag"] == alice_client.get(url)["ETag"]
    assert alice_client.put(url, {"stage": "won"}, "application/json", HTTP_IF_NONE_MATCH="*").status_code == 412


def test_if_none_match_with_an_etag_on_a_put_is_a_400_and_changes_nothing(alice_client, entry):
    etag = alice_client.get(ENTRY_API)["ETag"]

    refused = alice_client.put(ENTRY_API, {"stage": "won"}, "application/json", HTTP_IF_NONE_MATCH=etag)

    assert refused.status_code == 400 and "only *" in refused.json()["detail"]
    entry.refresh_from_db()
    assert entry.stage == "watching"


def test_a_put_that_changes_nothing_keeps_the_etag_so_other_copies_stay_good(alice_client, consultant_client, entry):
    etag = alice_client.get(ENTRY_API)["ETag"]
    rows = entry.history.count()

    same = consultant_client.put(ENTRY_API, {"stage": entry.stage, "note": HANA}, "application/json")

    assert same.status_code == 200 and same["ETag"] == etag
    assert entry.history.count() == rows  # no history row for a save that changed nothing
    assert alice_client.put(ENTRY_API, {"stage": "pursuing"}, "application/json", HTTP_IF_MATCH=etag).status_code == 200
