"""The partner admin checks sources as the loader does: at least one, and all-low sources make the record low."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from partners.models import PartnerSource
from partners.services import partner_save
from programmes.models import Opportunity
from tests.factories import OpportunityFactory
from tests.programmes.test_admin import _form_data


def change_url(partner) -> str:
    return f"/admin/partners/partner/{partner.pk}/change/"


def source_index(data: dict) -> str:
    return next(key.split("-")[1] for key in data if key.startswith("sources-") and key.endswith("-url"))


def test_the_last_source_of_a_partner_cannot_be_deleted(consultant_client, partners):
    shipyard = partners["shipyard"]
    data = _form_data(consultant_client.get(change_url(shipyard)))
    data[f"sources-{source_index(data)}-DELETE"] = "on"

    response = consultant_client.post(change_url(shipyard), data | {"change_reason": "tidy"})

    assert response.status_code == 200
    assert "A record keeps at least one source." in response.text
    assert PartnerSource.objects.filter(partner=shipyard).count() == 1


def test_a_partner_whose_sources_are_all_low_must_be_low_itself(consultant_client, partners):
    shipyard = partners["shipyard"]
    data = _form_data(consultant_client.get(change_url(shipyard)))
    data[f"sources-{source_index(data)}-confidence"] = "low"

    refused = consultant_client.post(change_url(shipyard), data | {"change_reason": "rechecked"})
    accepted = consultant_client.post(change_url(shipyard), data | {"confidence": "low", "change_reason": "rechecked"})

    assert refused.status_code == 200
    assert "the record&#x27;s confidence must be low (unverified) too" in refused.text
    assert accepted.status_code == 302
    shipyard.refresh_from_db()
    assert shipyard.confidence == "low"


def test_an_edit_of_sources_alone_is_named_in_the_partners_history(consultant_client, partners):
    shipyard = partners["shipyard"]
    PartnerSource.objects.create(partner=shipyard, url="https://shipyard.example/news", title="Shipyard news")
    data = _form_data(consultant_client.get(change_url(shipyard)))
    news = next(key.split("-")[1] for key, value in data.items() if value == "https://shipyard.example/news")
    data[f"sources-{news}-DELETE"] = "on"

    response = consultant_client.post(change_url(shipyard), data)

    assert response.status_code == 302
    assert shipyard.history.latest().history_change_reason == (
        "Edited in the admin: deleted partner source “Shipyard news”"
    )


def test_saving_a_partner_unchanged_writes_no_history_row(consultant_client, partners):
    shipyard = partners["shipyard"]
    rows = shipyard.history.count()

    response = consultant_client.post(change_url(shipyard), _form_data(consultant_client.get(change_url(shipyard))))

    assert response.status_code == 302, response.context and response.context["errors"]
    assert shipyard.history.count() == rows


def test_a_partner_given_another_programme_is_recorded_though_no_column_changed(consultant_client, partners):
    shipyard = partners["shipyard"]
    programme = OpportunityFactory(kind=Opportunity.Kind.PROGRAMME)
    data = _form_data(consultant_client.get(change_url(shipyard)))
    data["programmes"] = [*data.get("programmes", []), str(programme.pk)]
    rows = shipyard.history.count()

    assert consultant_client.post(change_url(shipyard), data).status_code == 302
    assert shipyard.history.count() == rows + 1
    assert programme in shipyard.programmes.all()


def test_an_area_listed_twice_on_a_partner_is_named_and_nothing_is_saved(consultant_client, partners, areas):
    drones = partners["drones"]
    data = _form_data(consultant_client.get(change_url(drones)))
    added = {
        "area_links-TOTAL_FORMS": "2",  # the inline shows no empty row: the second is added, as "Add another" does
        "area_links-1-technology_area": str(areas["uav"].pk),
        "area_links-1-weight": "0.4",
    }

    response = consultant_client.post(change_url(drones), data | added | {"change_reason": "second row"})

    assert response.status_code == 200  # the form again, with the error
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "area_links")
    name = areas["uav"].name
    assert [str(e) for e in formset.non_form_errors()] == [
        f"“{name}” is listed twice: keep one row for it, with the weight it should have."
    ]
    assert formset.forms[1].errors["technology_area"] == ["This area is already listed above."]
    assert list(drones.area_links.values_list("technology_area__slug", "weight")) == [("uav", 1.0)]


def test_short_names_are_saved_trimmed_without_empty_entries_or_repeats(consultant_client, partners):
    shipyard = partners["shipyard"]
    data = _form_data(consultant_client.get(change_url(shipyard)))

    response = consultant_client.post(change_url(shipyard), data | {"short_names": "MHI,, ,Mitsubishi HI, mhi,MHI "})

    assert response.status_code == 302
    shipyard.refresh_from_db()
    assert shipyard.short_names == "MHI, Mitsubishi HI"
    assert shipyard.history.latest().short_names == "MHI, Mitsubishi HI"  # and so the history records it


def test_a_partner_cannot_be_marked_verified_on_a_day_still_to_come(consultant_client, partners):
    shipyard = partners["shipyard"]
    before = shipyard.last_verified_on
    data = _form_data(consultant_client.get(f"/ja{change_url(shipyard)}"))

    response = consultant_client.post(f"/ja{change_url(shipyard)}", data | {"last_verified_on": "2099-01-01"})

    assert response.status_code == 200  # was saved: the partner then stayed "verified" until 2099
    assert response.context["adminform"].form.errors["last_verified_on"] == [
        "「最終確認日」に今日より後の日付は指定できません。記録を確認した日を入力してください。"
    ]
    shipyard.refresh_from_db()
    assert shipyard.last_verified_on == before
    shipyard.last_verified_on = datetime.date(2099, 1, 1)
    with pytest.raises(ValidationError) as refused:  # the service refuses it too, so the curated load does
        partner_save(partner=shipyard, by=None, reason="typo")
    assert list(refused.value.message_dict) == ["last_verified_on"]
