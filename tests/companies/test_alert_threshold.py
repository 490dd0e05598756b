"""A firm's alert threshold: 60 by default, 0-100, editable by its staff on the profile form and through the API."""

import pytest
from django.urls import reverse

from tests.companies.test_company_profile_pages import edit, form_data

pytestmark = pytest.mark.django_db


def test_a_new_firm_is_told_about_matches_from_60(firm_a):
    assert firm_a.alert_threshold == 60


def test_staff_set_the_threshold_on_the_profile_form_without_a_rescore(alice_client, firm_a, rescores):
    page = alice_client.get(edit(firm_a)).content.decode()
    assert 'name="alert_threshold"' in page and "Alert threshold" in page
    response = alice_client.post(edit(firm_a), form_data(firm_a, alert_threshold="75"))
    assert response.status_code == 302
    firm_a.refresh_from_db()
    assert firm_a.alert_threshold == 75
    assert rescores.enqueues == []  # the scorer does not read it


def test_a_form_without_the_threshold_keeps_it(alice_client, firm_a):
    firm_a.alert_threshold = 40
    firm_a.save()
    alice_client.post(edit(firm_a), form_data(firm_a, trl="5"))
    firm_a.refresh_from_db()
    assert (firm_a.trl, firm_a.alert_threshold) == (5, 40)


@pytest.mark.parametrize("value", ["101", "-1"])
def test_the_form_refuses_a_threshold_outside_0_to_100(alice_client, firm_a, value):
    response = alice_client.post(edit(firm_a), form_data(firm_a, alert_threshold=value))
    assert response.status_code == 400
    assert "The alert threshold runs from 0 to 100." in response.content.decode()
    firm_a.refresh_from_db()
    assert firm_a.alert_threshold == 60


def test_the_api_reads_and_writes_the_threshold(alice_client, firm_a):
    url = reverse("api:company-detail", kwargs={"version": "v1", "slug": firm_a.slug})
    assert alice_client.get(url).json()["alert_threshold"] == 60
    response = alice_client.patch(url, {"alert_threshold": 101}, content_type="application/json")
    assert response.status_code == 400 and "alert_threshold" in response.json()
    response = alice_client.patch(url, {"alert_threshold": 55}, content_type="application/json")
    assert response.status_code == 200 and response.json()["alert_threshold"] == 55
    firm_a.refresh_from_db()
    assert firm_a.alert_threshold == 55
