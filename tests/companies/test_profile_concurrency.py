"""Two people editing one firm's profile at once: a save drawn from an older version is refused on the page (which
names who changed what and keeps what was typed, merged with their change), in the admin and through the API (412 to
a stale If-Match); areas and certifications edited on the same form count too."""

import datetime

import pytest

from companies.models import Company
from companies.services import company_update
from companies.versions import CompanyConflict, company_version
from tests.factories import CertificationFactory, TechnologyAreaFactory

EDIT = "/companies/firm-a/edit/"
API = "/api/v1/companies/firm-a/"


def form_of(response) -> dict:
    """The profile form as the browser would post it back, unchanged (certifications rows included)."""
    form, formset = response.context["form"], response.context["formset"]
    data: dict = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.name] = "on"
        elif isinstance(value, list | tuple):
            data[field.name] = [str(item) for item in value]
        else:
            data[field.name] = "" if value is None else str(value)
    data["certifications-TOTAL_FORMS"] = str(len(formset.forms))
    data["certifications-INITIAL_FORMS"] = str(formset.initial_form_count())
    for index, row in enumerate(formset.forms):
        for name in ("certification", "expires_on"):
            value = row[name].value()
            data[f"certifications-{index}-{name}"] = "" if value is None else str(value)
    return data


@pytest.fixture
def profile(firm_a):
    firm_a.description = "Uncrewed surface vessels for coastal patrol."
    firm_a.trl = 5
    firm_a.save()
    return firm_a


def test_a_save_from_a_tab_opened_before_a_colleagues_save_is_refused_and_loses_nothing(
    alice_client, consultant_client, profile
):
    tab_a = form_of(alice_client.get(EDIT))  # both tabs open the profile
    tab_b = form_of(consultant_client.get(EDIT))
    described = f"{profile.description} B-EDIT"
    assert consultant_client.post(EDIT, tab_b | {"description": described}).status_code == 302

    refused = alice_client.post(EDIT, tab_a | {"trl": "7"})  # tab A changes only the TRL

    assert refused.status_code == 409
    text = refused.text
    assert "consultant saved this profile after you opened it, changing: Description." in text
    assert "Nothing was saved" in text
    profile.refresh_from_db()
    assert (profile.trl, profile.description) == (5, described)  # the colleague's description stands
    assert refused.context["conflict"] == [("Description", described)]
    form = refused.context["form"]
    assert str(form["trl"].value()) == "7"  # what tab A typed is kept
    assert form["description"].value() == described  # and the field it left alone is the colleague's now

    assert alice_client.post(EDIT, form_of(refused)).status_code == 302  # saved again: both changes stand
    profile.refresh_from_db()
    assert (profile.trl, profile.description) == (7, described)


def test_two_people_ticking_different_areas_both_keep_theirs(alice_client, consultant_client, profile):
    uav, usv = TechnologyAreaFactory(slug="uav", name="UAV"), TechnologyAreaFactory(slug="usv", name="USV")
    tab_a = form_of(alice_client.get(EDIT))
    tab_b = form_of(consultant_client.get(EDIT))
    assert consultant_client.post(EDIT, tab_b | {"technology_areas": [str(usv.pk)]}).status_code == 302

    refused = alice_client.post(EDIT, tab_a | {"technology_areas": [str(uav.pk)]})
    assert refused.status_code == 409
    assert "changing: Technology areas." in refused.text
    alice_client.post(EDIT, form_of(refused))

    assert set(profile.technology_areas.values_list("slug", flat=True)) == {"uav", "usv"}


def test_a_certification_a_colleague_added_is_not_dropped_by_an_older_form(alice_client, consultant_client, profile):
    cert = CertificationFactory(code="AS9100D", name="AS9100D")
    tab_a = form_of(alice_client.get(EDIT))
    tab_b = form_of(consultant_client.get(EDIT))
    added = tab_b | {"certifications-0-certification": str(cert.pk), "certifications-0-expires_on": "2030-01-31"}
    assert consultant_client.post(EDIT, added).status_code == 302

    refused = alice_client.post(EDIT, tab_a | {"trl": "6"})
    assert "changing: Certifications held." in refused.text  # as the form's fieldset is headed
    alice_client.post(EDIT, form_of(refused))

    profile.refresh_from_db()
    assert profile.trl == 6
    held = dict(profile.certification_links.values_list("certification__code", "expires_on"))
    assert held == {"AS9100D": datetime.date(2030, 1, 31)}


def test_when_both_changed_the_description_the_form_keeps_mine_and_shows_theirs(
    alice_client, consultant_client, profile
):
    tab_a = form_of(alice_client.get(EDIT))
    consultant_client.post(EDIT, form_of(consultant_client.get(EDIT)) | {"description": "Their words"})

    refused = alice_client.post(EDIT, tab_a | {"description": "Mine."})

    form = refused.context["form"]
    assert form["description"].value() == "Mine."
    assert form.errors["description"] == ["consultant changed this meanwhile to: Their words. Your value is kept here."]
    assert Company.objects.get(pk=profile.pk).description == "Their words"


def test_the_service_refuses_a_stale_version_and_writes_nothing(alice, consultant, profile):
    stale = company_version(profile)
    company_update(company=profile, data={"trl": 6}, by=consultant)
    rows = profile.history.count()

    with pytest.raises(CompanyConflict) as refused:
        company_update(company=Company.objects.get(pk=profile.pk), data={"trl": 8}, by=alice, version=stale)

    assert refused.value.changed == ["trl"]
    assert Company.objects.get(pk=profile.pk).trl == 6
    assert profile.history.count() == rows  # no history row for the refused change


def test_the_api_refuses_a_patch_from_a_stale_etag_with_412(alice_client, consultant_client, profile):
    etag = alice_client.get(API)["ETag"]
    assert consultant_client.patch(API, {"trl": 6}, content_type="application/json").status_code == 200

    stale = alice_client.patch(API, {"description": "Mine."}, content_type="application/json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert stale["ETag"] != etag
    profile.refresh_from_db()
    assert (profile.trl, profile.description) == (6, "Uncrewed surface vessels for coastal patrol.")
    fresh = alice_client.patch(
        API, {"description": "Mine."}, content_type="application/json", HTTP_IF_MATCH=stale["ETag"]
    )
    assert fresh.status_code == 200
    assert fresh["ETag"] == alice_client.get(API)["ETag"]


def test_a_put_with_the_current_etag_saves(alice_client, profile):
    response = alice_client.get(API)
    body = response.json()
    put = alice_client.put(API, body | {"trl": 8}, content_type="application/json", HTTP_IF_MATCH=response["ETag"])
    assert put.status_code == 200
    assert Company.objects.get(pk=profile.pk).trl == 8


def test_the_admin_refuses_a_save_from_an_older_version(consultant_client, consultant, profile):
    url = f"/admin/companies/company/{profile.pk}/change/"
    page = consultant_client.get(url)
    stale = page.context["adminform"].form["version"].value()
    company_update(company=profile, data={"description": "Their words"}, by=consultant)

    form = page.context["adminform"].form
    data = {name: form[name].value() for name in ("slug", "name", "country", "size", "description", "japan_presence")}
    data |= {"trl": "8", "alert_threshold": "60", "version": stale, "change_reason": ""}
    for prefix in ("certification_links", "memberships"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    refused = consultant_client.post(url, data)

    assert refused.status_code == 200
    assert "saved this profile after you opened it, changing: Description." in refused.text
    profile.refresh_from_db()
    assert (profile.trl, profile.description) == (5, "Their words")


def test_in_japanese_the_refusal_names_fields_as_the_form_labels_them(alice_client, consultant_client, profile):
    japanese = "/ja" + EDIT
    tab_a = form_of(alice_client.get(japanese))
    notes = form_of(consultant_client.get(japanese)) | {"export_control_notes": "EAR99", "contact_email": "x@a.jp"}
    assert consultant_client.post(japanese, notes).status_code == 302

    refused = alice_client.post(japanese, tab_a | {"trl": "7"})

    assert refused.status_code == 409
    form = refused.context["form"]
    on_the_form = [str(form[name].label) for name in ("export_control_notes", "contact_email")]
    assert on_the_form == ["輸出管理に関するメモ", "連絡先メール"]
    assert f"{on_the_form[0]}、{on_the_form[1]}を変更しました" in refused.text  # the refusal above the form
    assert [label for label, _value in refused.context["conflict"]] == on_the_form  # and the list of their changes
    assert "輸出管理の補足" not in refused.text
