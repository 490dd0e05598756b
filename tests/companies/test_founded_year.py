"""A firm's founding year runs from 1800 to this year, wherever it is written: the API, the admin, the services.

The CSV import refused a year after this one while the API took `founded: 2099`; the rule now lives on the model
(companies.models.founded_year_validate), and the import keeps the same range in its own words.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from companies.services import company_create, company_update

pytestmark = pytest.mark.django_db

API = "/api/v1/companies/"


def this_year() -> int:
    """Read when a test runs, not when the module is imported (a run may cross midnight in Japan)."""
    return timezone.localdate().year


def message() -> str:
    return f"Enter a year from 1800 to {this_year()}."


def _firm(**fields) -> dict:
    return {"name": "Kestrel Robotics", "country": "AU", "size": "startup", "description": "UAV swarms.", **fields}


@pytest.mark.parametrize("year", [2099, "next", 1799, 0, 40000])
def test_the_api_refuses_a_year_outside_1800_to_this_year_naming_founded(consultant_client, year):
    year = this_year() + 1 if year == "next" else year
    response = consultant_client.post(API, _firm(founded=year), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"founded": [message()]}
    assert not Company.objects.exists()


def test_the_api_refuses_a_future_year_on_an_update_too(consultant_client, firm_a):
    response = consultant_client.patch(f"{API}firm-a/", {"founded": 2099}, content_type="application/json")

    assert response.status_code == 400 and response.json() == {"founded": [message()]}
    firm_a.refresh_from_db()
    assert firm_a.founded is None


@pytest.mark.parametrize("year", [1800, 1996, "this", None])
def test_the_api_takes_1800_to_this_year_or_none(consultant_client, year):
    year = this_year() if year == "this" else year
    response = consultant_client.post(API, _firm(founded=year), content_type="application/json")

    assert response.status_code == 201, response.json()
    assert Company.objects.get().founded == year


def test_the_services_refuse_it_for_every_caller(firm_a):
    with pytest.raises(ValidationError) as refused:
        company_create(data=_firm(founded=2099), by=None)
    assert refused.value.message_dict == {"founded": [message()]}

    with pytest.raises(ValidationError) as refused:
        company_update(company=firm_a, data={"founded": this_year() + 1}, by=None)
    assert refused.value.message_dict == {"founded": [message()]}


def test_the_admin_shows_the_message_beside_the_field(consultant_client):
    data = {
        "slug": "",
        "name": "Kestrel Systems",
        "country": "US",
        "size": "startup",
        "founded": "2099",
        "description": "Counter-drone radars.",
        "japan_presence": "none",
        "certification_links-TOTAL_FORMS": "0",
        "certification_links-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = consultant_client.post(reverse("admin:companies_company_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"founded": [message()]}
    assert not Company.objects.exists()


def test_the_schema_gives_the_first_year(anon_client):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    founded = schema["components"]["schemas"]["Company"]["properties"]["founded"]

    assert founded["minimum"] == 1800 and founded["nullable"] is True and "maximum" not in founded
