"""company_create / company_update: validation keyed by field, one history row per change, one rescore after commit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.models import Company
from companies.services import company_create, company_update, membership_set
from tests.factories import CertificationFactory, CompanyFactory, TechnologyAreaFactory, UserFactory


@pytest.fixture(autouse=True)
def rescore(rescores):
    return rescores


def new_firm(**changes):
    return {"name": "Kestrel Systems", "country": "US", "size": "startup", "description": "Radars.", **changes}


def test_create_derives_the_slug_and_records_one_history_row(consultant, rescore, db):
    uav = TechnologyAreaFactory(slug="uav")
    cert = CertificationFactory(code="as9100d")

    company = company_create(
        data=new_firm(technology_areas=[uav], certifications={cert: datetime.date(2027, 1, 1)}), by=consultant
    )

    assert company.slug == "kestrel-systems"
    assert list(company.technology_areas.all()) == [uav]
    assert company.certification_links.get().expires_on == datetime.date(2027, 1, 1)
    record = company.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", consultant, "Created")
    assert [link.technologyarea for link in record.technology_areas.all()] == [uav]
    assert rescore.targets() == [("company", company.pk)] and len(rescore.enqueues) == 1


def test_create_names_each_bad_field(db):
    with pytest.raises(ValidationError) as caught:
        company_create(data=new_firm(country="XX", size="huge", trl=12, website="nope"), by=None)

    assert set(caught.value.message_dict) == {"country", "size", "trl", "website"}
    assert not Company.objects.exists()


def test_create_names_the_name_when_the_slug_it_gives_is_taken(db):
    CompanyFactory(slug="kestrel-systems")

    with pytest.raises(ValidationError) as caught:
        company_create(data=new_firm(name="Kestrel  Systems!"), by=None)

    assert list(caught.value.message_dict) == ["name"]


def test_create_refuses_the_name_of_a_firm_whose_slug_was_not_made_from_it(db):
    CompanyFactory(slug="ocius", name="Ocius Technology")

    with pytest.raises(ValidationError) as caught:
        company_create(data=new_firm(name="ocius technology"), by=None)

    assert caught.value.message_dict == {"name": ["A firm with this name already exists: ocius."]}
    assert Company.objects.count() == 1


def test_a_firm_named_in_japanese_gets_an_address(db):
    firm = company_create(data=new_firm(name="株式会社テスト"), by=None)

    assert firm.slug.startswith("firm-") and Company.objects.get(slug=firm.slug).name == "株式会社テスト"


def test_update_records_before_after_and_who(firm_a, alice, rescore):
    uav = TechnologyAreaFactory(slug="uav")

    company_update(company=firm_a, data={"trl": 5, "technology_areas": [uav]}, by=alice, reason="New product line")

    new, old = firm_a.history.all()[:2]
    assert (new.history_user, new.history_change_reason) == (alice, "New product line")
    delta = new.diff_against(old)
    assert {change.field: (change.old, change.new) for change in delta.changes if change.field == "trl"} == {
        "trl": (None, 5)
    }
    assert "technology_areas" in delta.changed_fields
    assert rescore.targets() == [("company", firm_a.pk)] and len(rescore.enqueues) == 1


def test_update_with_nothing_new_writes_nothing(firm_a, rescore):
    before = firm_a.history.count()
    updated_at = firm_a.updated_at

    company_update(company=firm_a, data={"description": firm_a.description, "technology_areas": []}, by=None)

    firm_a.refresh_from_db()
    assert firm_a.history.count() == before
    assert firm_a.updated_at == updated_at
    assert rescore.targets() == [] and rescore.enqueues == []


def test_update_refuses_bad_values_and_leaves_the_firm_as_it_was(firm_a):
    with pytest.raises(ValidationError) as caught:
        company_update(company=firm_a, data={"trl": 0, "contact_email": "nobody"}, by=None)

    assert set(caught.value.message_dict) == {"trl", "contact_email"}
    firm_a.refresh_from_db()
    assert (firm_a.trl, firm_a.contact_email) == (None, "ops@firm-a.example")


def test_a_plain_list_of_certifications_keeps_known_expiries(firm_a):
    as9100, iso = CertificationFactory(code="as9100d"), CertificationFactory(code="iso-9001")
    company_update(company=firm_a, data={"certifications": {as9100: datetime.date(2030, 1, 1)}}, by=None)

    company_update(company=firm_a, data={"certifications": [as9100, iso]}, by=None)

    held = dict(firm_a.certification_links.values_list("certification__code", "expires_on"))
    assert held == {"as9100d": datetime.date(2030, 1, 1), "iso-9001": None}


def test_unknown_fields_are_a_programming_error(firm_a):
    with pytest.raises(TypeError, match="slugg"):
        company_update(company=firm_a, data={"slugg": "x"}, by=None)


def test_membership_set_adds_and_changes_a_role(firm_a):
    user = UserFactory(username="dave")

    membership_set(company=firm_a, user=user, role="viewer")
    membership = membership_set(company=firm_a, user=user, role="editor")

    assert list(firm_a.memberships.filter(user=user).values_list("role", flat=True)) == ["editor"]
    assert membership.role == "editor"


def test_a_firm_sharing_its_name_with_another_can_still_be_edited_but_not_renamed_into_a_twin(firm_a, alice):
    twin = CompanyFactory(slug="firm-a-2", name=firm_a.name)
    other = CompanyFactory(slug="other", name="Other Firm")

    company_update(company=firm_a, data={"description": "Lasers, now with beam directors."}, by=alice)

    firm_a.refresh_from_db()
    assert firm_a.description == "Lasers, now with beam directors."
    with pytest.raises(ValidationError) as caught:
        company_update(company=other, data={"name": twin.name.upper()}, by=None)
    assert list(caught.value.message_dict) == ["name"]


def test_a_founding_year_stored_under_an_older_rule_does_not_block_other_edits(firm_a, alice):
    Company.objects.filter(pk=firm_a.pk).update(founded=2031)  # the API took years up to 2100
    firm_a.refresh_from_db()

    company_update(company=firm_a, data={"description": "Lasers."}, by=alice)

    firm_a.refresh_from_db()
    assert (firm_a.description, firm_a.founded) == ("Lasers.", 2031)
    with pytest.raises(ValidationError) as caught:
        company_update(company=firm_a, data={"founded": 2032}, by=None)
    assert list(caught.value.message_dict) == ["founded"]


def test_a_profile_edit_without_a_reason_is_stored_in_english_whatever_the_page_language(db, firm_a, consultant):
    with translation.override("ja"):
        company_update(company=firm_a, data={"trl": 8}, by=consultant, reason="")

    assert firm_a.history.latest().history_change_reason == "Profile edited"
