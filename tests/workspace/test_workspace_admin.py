"""Consultants see and change firms' pipelines in the admin, through the same services; staff cannot."""

from tests.factories import CallFactory
from workspace.models import MatchFeedback, PipelineEntry
from workspace.services import match_feedback_give, pipeline_entry_save


def test_a_consultant_changes_an_entry_in_the_admin_with_history(consultant_client, consultant, alice, firm_a):
    entry = pipeline_entry_save(company=firm_a, opportunity=CallFactory(title="Laser call"), by=alice)
    assert "Laser call" in consultant_client.get("/admin/workspace/pipelineentry/").text

    form = {
        "company": firm_a.pk,
        "opportunity": entry.opportunity.pk,
        "stage": "won",
        "owner": alice.pk,
        "due_on": "",
        "notes": "Contract signed",
    }
    response = consultant_client.post(f"/admin/workspace/pipelineentry/{entry.pk}/change/", form)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.stage, entry.owner, entry.notes) == ("won", alice, "Contract signed")
    assert entry.history.first().history_user == consultant


def test_withdrawing_feedback_in_the_admin_undoes_it(consultant_client, alice, firm_a):
    feedback = match_feedback_give(company=firm_a, opportunity=CallFactory(), reason="other", by=alice).feedback
    response = consultant_client.post(
        "/admin/workspace/matchfeedback/", {"action": "withdraw", "_selected_action": [feedback.pk]}
    )
    assert response.status_code == 302
    assert not MatchFeedback.objects.exists()


def test_staff_cannot_open_the_workspace_admin(alice_client, alice, firm_a):
    pipeline_entry_save(company=firm_a, opportunity=CallFactory(), by=alice)
    assert alice_client.get("/admin/workspace/pipelineentry/").status_code == 302  # to the admin's sign-in
    assert PipelineEntry.objects.count() == 1


def test_a_consultants_admin_save_drawn_before_a_staff_edit_is_refused_and_keeps_the_staff_note(
    consultant_client, alice, firm_a
):
    from tests.programmes.test_admin import _form_data

    entry = pipeline_entry_save(company=firm_a, opportunity=CallFactory(title="Laser call"), by=alice)
    url = f"/admin/workspace/pipelineentry/{entry.pk}/change/"
    drawn = _form_data(consultant_client.get(url))
    pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, notes="Call Hana about the brief")

    refused = consultant_client.post(url, drawn | {"stage": "preparing"})

    assert refused.status_code == 200
    assert "alice saved this entry after you opened it, changing: Notes. Nothing was saved" in refused.text
    assert "shown above it" not in refused.text  # the admin has no such panel, and no longer says it has
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("watching", "Call Hana about the brief")

    again = consultant_client.post(url, _form_data(refused))  # the form now carries the stored version
    assert again.status_code == 302
    entry.refresh_from_db()
    assert (entry.stage, entry.notes) == ("preparing", "Call Hana about the brief")  # alice's note survives


def test_when_the_consultant_and_staff_both_changed_the_notes_the_admin_shows_the_staff_note_beside_the_field(
    consultant_client, alice, firm_a
):
    from tests.programmes.test_admin import _form_data

    entry = pipeline_entry_save(company=firm_a, opportunity=CallFactory(title="Laser call"), by=alice)
    url = f"/admin/workspace/pipelineentry/{entry.pk}/change/"
    drawn = _form_data(consultant_client.get(url))
    pipeline_entry_save(company=firm_a, opportunity=entry.opportunity, by=alice, notes="Call Hana about the brief")

    refused = consultant_client.post(url, drawn | {"notes": "Sent the brief to ATLA"})

    form = refused.context["adminform"].form
    assert form["notes"].value() == "Sent the brief to ATLA"  # what the consultant typed is kept
    said = "alice changed this meanwhile to: Call Hana about the brief. Your value is kept here."
    assert said in form.errors["notes"]
    entry.refresh_from_db()
    assert entry.notes == "Call Hana about the brief"


def test_saving_an_entry_unchanged_in_the_admin_writes_no_history_and_keeps_its_version(
    consultant_client, alice, firm_a
):
    from tests.programmes.test_admin import _form_data

    entry = pipeline_entry_save(company=firm_a, opportunity=CallFactory(), by=alice, notes="Call Hana")
    url = f"/admin/workspace/pipelineentry/{entry.pk}/change/"
    rows, updated_at = entry.history.count(), entry.updated_at

    response = consultant_client.post(url, _form_data(consultant_client.get(url)))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.history.count(), entry.updated_at) == (rows, updated_at)


def test_a_viewer_or_a_non_member_made_owner_in_the_admin_is_refused_under_the_owner_field(
    consultant_client, consultant, alice, carol, firm_a
):
    entry = pipeline_entry_save(company=firm_a, opportunity=CallFactory(title="Laser call"), by=alice, notes="Kept")
    url = f"/admin/workspace/pipelineentry/{entry.pk}/change/"
    form = {"company": firm_a.pk, "opportunity": entry.opportunity.pk, "stage": "won", "due_on": "", "notes": "New"}

    for owner, said in [
        (carol, "carol is a viewer at the firm and cannot change its pipeline: choose one of its editors as owner."),
        (consultant, "The owner must be one of the firm&#x27;s editors."),
    ]:
        refused = consultant_client.post(url, form | {"owner": owner.pk})

        assert refused.status_code == 200
        assert refused.context["adminform"].form.errors["owner"] == [said.replace("&#x27;", "'")]
        assert said in refused.text.split('name="owner"')[0].rsplit("field-owner", 1)[1]  # under the Owner field
        assert refused.context["adminform"].form["notes"].value() == "New"  # what was typed is kept
        entry.refresh_from_db()
        assert (entry.stage, entry.owner, entry.notes) == ("watching", None, "Kept")
        assert entry.history.count() == 1
