"""A firm's description holds at most 5,000 characters, wherever it is written: the profile form, the API, the
services and the CSV import, each refusal naming the field and the limit.

The form and the API saved 200,000 characters while the CSV import refused the same text with the CSV reader's own
"field larger than field limit (131072)"; the rule now lives on the model (companies.models.DESCRIPTION_MAX).
"""

import csv

import pytest
from django.core.exceptions import ValidationError

from companies.importing import CompanyImportError, companies_import
from companies.services import company_create, company_update
from tests.companies.test_company_profile_pages import edit, form_data

pytestmark = pytest.mark.django_db

API = "/api/v1/companies/"
HEADER = "name,country,size,founded,website,description,technology_areas,trl,certifications\n"
TOO_LONG = "x" * 200_000
MESSAGE = "The description may hold at most 5,000 characters; this one has 200,000."


def refusal(data: str) -> list[str]:
    with pytest.raises(CompanyImportError) as caught:
        companies_import(data=data.encode(), by=None)
    return [str(error) for error in caught.value.errors]


def test_the_profile_form_refuses_a_description_over_5000_characters(alice_client, firm_a):
    before = firm_a.description

    response = alice_client.post(edit(firm_a), form_data(firm_a, description=TOO_LONG))

    assert response.status_code == 400
    assert response.context["form"].errors["description"] == [MESSAGE]
    firm_a.refresh_from_db()
    assert firm_a.description == before


def test_the_profile_form_takes_exactly_5000_characters(alice_client, firm_a):
    response = alice_client.post(edit(firm_a), form_data(firm_a, description="y" * 5000))

    assert response.status_code == 302
    firm_a.refresh_from_db()
    assert len(firm_a.description) == 5000


def test_the_api_refuses_it_naming_description(alice_client, consultant_client, firm_a):
    response = alice_client.patch(f"{API}firm-a/", {"description": TOO_LONG}, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"description": [MESSAGE]}

    new = {"name": "Kestrel Robotics", "country": "AU", "size": "startup", "description": "z" * 5001}
    response = consultant_client.post(API, new, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "description": ["The description may hold at most 5,000 characters; this one has 5,001."]
    }


def test_the_services_refuse_it_for_every_caller(firm_a):
    with pytest.raises(ValidationError) as refused:
        company_update(company=firm_a, data={"description": TOO_LONG}, by=None)
    assert refused.value.message_dict == {"description": [MESSAGE]}
    with pytest.raises(ValidationError):
        company_create(data={"name": "Kestrel", "country": "AU", "size": "sme", "description": TOO_LONG}, by=None)


def test_the_csv_import_refuses_it_naming_the_line_field_and_limit():
    data = HEADER + "Kestrel,AU,sme,,,Drones,,,\n" + f"Osprey,AU,sme,,,{'d' * 6000},,,\n"

    assert refusal(data) == ["line 3, field description: longer than 5,000 characters (6,000 given)"]


def test_a_field_too_long_for_the_csv_reader_is_named_by_line_and_column():
    data = (
        HEADER
        + "".join(f"Kestrel {n},AU,sme,,,Drones,,,\n" for n in range(3))
        + f'Osprey,AU,sme,,,"{"d" * (csv.field_size_limit() + 1)}",,,\n'
    )

    assert refusal(data) == [
        "line 5, field description: longer than 131,072 characters, the most a CSV field may hold; "
        "the file was not read past this line"
    ]


def test_the_schema_gives_the_limit(anon_client):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    description = schema["components"]["schemas"]["Company"]["properties"]["description"]

    assert description["maxLength"] == 5000


def test_the_japanese_form_names_the_limit_in_japanese(alice_client, firm_a):
    url = "/ja" + edit(firm_a)

    response = alice_client.post(url, form_data(firm_a, description=TOO_LONG))

    assert response.status_code == 400
    assert "説明は5,000文字までです（入力は200,000文字）。" in response.content.decode()
