"""A slug is a public identifier (API, saved searches, links): the admin sets it on creation and never changes it."""

import pytest
from django.urls import reverse

from tests.factories import OpportunityFactory, OrganisationFactory, TechnologyAreaFactory
from tests.partners.conftest import make_partner
from tests.programmes.test_admin import _form_data

pytestmark = pytest.mark.django_db


def _records() -> dict:
    quantum = TechnologyAreaFactory(slug="quantum", name="Quantum technology", keywords=["qubit"])
    return {
        "programmes_technologyarea": quantum,
        "programmes_organisation": OrganisationFactory(slug="meti", name="METI"),
        "programmes_opportunity": OpportunityFactory(slug="gcap", title="GCAP"),
        "partners_partner": make_partner("shipyard-kk", role="prime", areas={quantum: 0.5}),
    }


@pytest.mark.parametrize(
    "admin_name",
    ["programmes_technologyarea", "programmes_organisation", "programmes_opportunity", "partners_partner"],
)
def test_a_saved_records_slug_is_shown_but_cannot_be_changed_in_the_admin(consultant_client, admin_name):
    record = _records()[admin_name]
    url = reverse(f"admin:{admin_name}_change", args=[record.pk])
    page = consultant_client.get(url)
    data = _form_data(page) | {"slug": "renamed", "change_reason": "tidy"}

    response = consultant_client.post(url, data)

    assert 'name="slug"' not in page.text
    assert record.slug in page.text
    assert response.status_code == 302, response.context and response.context["errors"]
    old_slug = record.slug
    record.refresh_from_db()
    assert record.slug == old_slug


@pytest.mark.parametrize(
    "admin_name",
    ["programmes_technologyarea", "programmes_organisation", "programmes_opportunity", "partners_partner"],
)
def test_the_admins_add_form_still_asks_for_a_slug(consultant_client, admin_name):
    page = consultant_client.get(reverse(f"admin:{admin_name}_add"))

    assert page.status_code == 200
    assert 'name="slug"' in page.text
