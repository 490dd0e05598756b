"""The reasons the admin writes for an edit with none typed, stored in English, read in the reader's language; a typed
one longer than the history holds is refused on the form, never stored cut."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.reasons import reason_text

LINKS = "Edited in the admin: added opportunity “GCAP call”; removed technology area “Quantum”"


@pytest.mark.parametrize(
    ("stored", "japanese"),
    [
        (LINKS, "管理サイトで編集：案件「GCAP call」を追加、技術分野「Quantum」の紐付けを解除"),
        ("Created in the admin: added source “ATLA; MOD”", "管理サイトで作成：出典「ATLA; MOD」を追加"),
        # cut by the column: inside a name, then inside the next change's words
        ("Edited in the admin: deleted source “Old pa…", "管理サイトで編集：出典「Old pa…」を削除"),
        ("Edited in the admin: changed source “A”; added sou…", "管理サイトで編集：出典「A」を変更、…"),
    ],
)
def test_an_admin_edits_changes_read_in_japanese(stored, japanese):
    with translation.override("ja"):
        assert reason_text(stored) == japanese


def test_an_admin_edits_changes_read_in_english_as_stored():
    with translation.override("en"):
        assert reason_text(LINKS) == LINKS


def test_a_typed_reason_that_looks_like_the_admins_is_shown_as_typed_after_the_translated_words():
    with translation.override("ja"):
        assert reason_text("Edited in the admin: fixed the typo") == "管理サイトで編集：fixed the typo"
        assert reason_text("Moved to declined: no fit") == "「見送り」に変更：no fit"


# --- a typed reason longer than the history holds --------------------------------------------------------------------
# A reason is stored in simple-history's 100-character column. The admin's field carried maxlength="100", so a browser
# cut a longer pasted reason at 100 without a word; now the field sets no maxlength and the form refuses the reason
# with the limit, keeping what was typed, so that nothing is stored cut.

TOO_LONG = (
    "Closing date moved after the ATLA briefing of 3 March; confirmed by phone with the programme office, ref 2026-17"
)
REFUSED = f"The reason may hold at most 100 characters; this one has {len(TOO_LONG)}."


def _partner():
    from tests.partners.conftest import make_partner

    return make_partner("shipyard-kk", role="prime", areas={})


def _reference_firm():
    from programmes.models import ReferenceFirm
    from programmes.reference_services import reference_firm_save
    from tests.factories import TechnologyAreaFactory

    firm = ReferenceFirm(slug="epirus", name="Epirus", source_url="https://epirus.example/", description="Microwaves.")
    reference_firm_save(firm=firm, areas={"core_areas": [TechnologyAreaFactory()]}, by=None)
    return firm


def _notice():
    from notices.models import Notice

    return Notice.objects.create(
        slug="usv-rule", title="USV rule", summary="For USVs.", dated_on=datetime.date(2026, 4, 1)
    )


def _factory(name: str):
    from tests import factories

    return getattr(factories, name)


ADMINS = {
    "programmes.opportunity": lambda: _factory("OpportunityFactory")(status="draft"),
    "programmes.source": lambda: _factory("SourceFactory")(),
    "programmes.organisation": lambda: _factory("OrganisationFactory")(),
    "programmes.technologyarea": lambda: _factory("TechnologyAreaFactory")(),
    "programmes.certification": lambda: _factory("CertificationFactory")(),
    "programmes.referencefirm": _reference_firm,
    "partners.partner": _partner,
    "notices.notice": _notice,
    "companies.company": lambda: _factory("CompanyFactory")(),
}


def _change_url(record) -> str:
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMINS)
def test_every_admin_refuses_a_reason_longer_than_the_history_holds_and_saves_nothing(model, consultant_client):
    from tests.programmes.test_admin import _form_data

    record = ADMINS[model]()
    rows = record.history.count()
    page = consultant_client.get(_change_url(record))
    assert (
        'name="change_reason"' in page.text
        and "maxlength" not in re.search(r"<input[^>]*change_reason[^>]*>", page.text)[0]
    )

    response = consultant_client.post(_change_url(record), _form_data(page) | {"change_reason": TOO_LONG})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["change_reason"] == [REFUSED]
    assert TOO_LONG in response.text  # kept on the form, to be shortened
    assert record.history.count() == rows


@pytest.mark.django_db
def test_a_reason_of_exactly_100_characters_is_stored_whole(consultant_client):
    from tests.factories import OpportunityFactory
    from tests.programmes.test_admin import _form_data

    record = OpportunityFactory(status="draft")
    reason = TOO_LONG[:100]
    data = _form_data(consultant_client.get(_change_url(record))) | {"title": "GCAP", "change_reason": reason}

    assert consultant_client.post(_change_url(record), data).status_code == 302
    assert record.history.latest().history_change_reason == reason


@pytest.mark.django_db
def test_the_publish_action_refuses_a_long_reason_on_its_confirmation_page(consultant_client):
    from programmes.models import Opportunity
    from tests.factories import OpportunityFactory

    draft = OpportunityFactory(status=Opportunity.Status.DRAFT)
    data = {"action": "publish", "_selected_action": [draft.pk], "confirm": "yes", "reason": TOO_LONG}

    response = consultant_client.post(reverse("admin:programmes_opportunity_changelist"), data)

    assert response.status_code == 200 and REFUSED in response.text
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


@pytest.mark.django_db
def test_the_japanese_admin_names_the_limit_in_japanese(consultant_client):
    from tests.factories import OrganisationFactory
    from tests.programmes.test_admin import _form_data

    record = OrganisationFactory()
    url = "/ja" + _change_url(record)

    response = consultant_client.post(url, _form_data(consultant_client.get(url)) | {"change_reason": TOO_LONG})

    assert f"理由は100文字までです（入力は{len(TOO_LONG)}文字）。" in response.text


@pytest.mark.django_db
def test_every_admin_form_that_asks_for_a_reason_uses_the_one_rule(rf, consultant):
    from django.contrib import admin

    from portal.reasons import reason_length_validate

    request = rf.get("/admin/")
    request.user = consultant
    asking = []
    for model, model_admin in admin.site._registry.items():
        field = model_admin.get_form(request).base_fields.get("change_reason")
        if field is not None:
            asking.append(model._meta.label_lower)
            assert reason_length_validate in field.validators and field.max_length is None, model
    assert set(ADMINS) <= set(asking)
