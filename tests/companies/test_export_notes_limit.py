"""A firm's export-control notes hold at most 2,000 characters, wherever they are written: the profile form, the
admin, the API and the services, each refusal naming the field and the limit. Notes stored before the limit stay
whole and do not block an edit of something else; the CSV import carries no such column and refuses a file that has
one, naming the line and the column.

The notes had no limit of their own: a 200,000-character paste was saved and then sent on every page and API answer.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from companies.importing import CompanyImportError, companies_import
from companies.models import Company
from companies.services import company_create, company_update
from tests.companies.test_company_profile_pages import edit, form_data

pytestmark = pytest.mark.django_db

API = "/api/v1/companies/"
TOO_LONG = "DSP-5 licence, ITAR;" * 9_500  # 190,000 characters
MESSAGE = "The export control notes may hold at most 2,000 characters; these have 190,000."


def test_the_profile_form_refuses_notes_over_2000_characters_and_saves_nothing(alice_client, firm_a):
    before = firm_a.export_control_notes

    response = alice_client.post(edit(firm_a), form_data(firm_a, export_control_notes=TOO_LONG, trl="7"))

    assert response.status_code == 400
    assert response.context["form"].errors["export_control_notes"] == [MESSAGE]
    firm_a.refresh_from_db()
    assert (firm_a.export_control_notes, firm_a.trl) == (before, None)


def test_the_profile_form_takes_exactly_2000_characters(alice_client, firm_a):
    response = alice_client.post(edit(firm_a), form_data(firm_a, export_control_notes="y" * 2000))

    assert response.status_code == 302
    firm_a.refresh_from_db()
    assert len(firm_a.export_control_notes) == 2000


def test_the_api_refuses_them_naming_the_field(alice_client, consultant_client, firm_a):
    response = alice_client.patch(f"{API}firm-a/", {"export_control_notes": TOO_LONG}, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"export_control_notes": [MESSAGE]}

    new = {
        "name": "Kestrel Robotics",
        "country": "AU",
        "size": "startup",
        "description": "Drones.",
        "export_control_notes": "z" * 2001,
    }
    response = consultant_client.post(API, new, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "export_control_notes": ["The export control notes may hold at most 2,000 characters; these have 2,001."]
    }
    assert not Company.objects.filter(name="Kestrel Robotics").exists()


def test_the_admin_refuses_them_on_the_field(consultant_client, firm_a):
    from tests.programmes.test_admin import _form_data

    url = reverse("admin:companies_company_change", args=[firm_a.pk])
    data = _form_data(consultant_client.get(url)) | {"export_control_notes": TOO_LONG}

    response = consultant_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["export_control_notes"] == [MESSAGE]


def test_the_services_refuse_them_for_every_caller(firm_a):
    with pytest.raises(ValidationError) as refused:
        company_update(company=firm_a, data={"export_control_notes": TOO_LONG}, by=None)
    assert refused.value.message_dict == {"export_control_notes": [MESSAGE]}
    data = {"name": "Kestrel", "country": "AU", "size": "sme", "description": "Drones."}
    with pytest.raises(ValidationError):
        company_create(data=data | {"export_control_notes": TOO_LONG}, by=None)


def test_notes_stored_before_the_limit_stay_whole_and_other_edits_still_save(alice_client, firm_a):
    Company.objects.filter(pk=firm_a.pk).update(export_control_notes="x" * 3000)  # written before the rule
    firm_a.refresh_from_db()

    page = alice_client.post(edit(firm_a), form_data(firm_a, trl="6"))
    put = alice_client.patch(
        f"{API}firm-a/",
        {"export_control_notes": "x" * 3000, "website": "https://firm-a.example.com/"},
        content_type="application/json",
    )

    assert page.status_code == 302 and put.status_code == 200, put.content
    firm_a.refresh_from_db()
    assert (len(firm_a.export_control_notes), firm_a.trl) == (3000, 6)
    assert firm_a.website == "https://firm-a.example.com/"


def test_the_csv_import_carries_no_notes_and_refuses_a_file_with_them_naming_line_and_column():
    data = (
        "name,country,size,founded,website,description,technology_areas,trl,certifications,export_control_notes\n"
        f"Kestrel,AU,sme,,,Drones,,,,{'d' * 3000}\n"
    )

    with pytest.raises(CompanyImportError) as caught:
        companies_import(data=data.encode(), by=None)

    [error] = [str(error) for error in caught.value.errors]
    assert error.startswith("line 1, field header: unknown column 'export_control_notes'")
    assert not Company.objects.filter(name="Kestrel").exists()


def test_the_schema_gives_the_limit(anon_client):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    notes = schema["components"]["schemas"]["Company"]["properties"]["export_control_notes"]

    assert notes["maxLength"] == 2000


def test_the_japanese_form_names_the_field_and_the_limit_in_japanese(alice_client, firm_a):
    response = alice_client.post("/ja" + edit(firm_a), form_data(firm_a, export_control_notes=TOO_LONG))

    assert response.status_code == 400
    assert "輸出管理に関するメモは2,000文字までです（入力は190,000文字）。" in response.content.decode()
