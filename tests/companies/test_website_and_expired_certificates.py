"""A firm's website is an https:// address of a public host, as its help text says, wherever it is written (the
profile page, the API, the CSV import); an expired certificate is kept but shown as expired, with a warning on save.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.importing import CompanyImportError, companies_import
from companies.models import Company
from matching.inputs import scoring_companies
from tests.companies.test_company_profile_pages import detail, edit, form_data
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db

REFUSED = [
    ("ftp://example.com", "Give the address starting with https://."),
    ("http://localhost:8021/admin/", "Give the address starting with https://."),
    ("https://localhost:8021/admin/", "localhost is not a public address on the internet"),
    ("https://10.0.0.1/", "10.0.0.1 is not a public address on the internet"),
    ("https://[::1]/", "::1 is not a public address on the internet"),
    ("https://user:pass@ocius.com.au/", "Give the address without a user name or password"),
    ("https://user@ocius.com.au/", "Give the address without a user name or password"),
    ("https://example.test/", "example.test is a name reserved for tests and examples"),
    ("https://www.firm.example/", "www.firm.example is a name reserved for tests and examples"),
    ("https://firm.invalid./", "firm.invalid. is a name reserved for tests and examples"),
    ("https://printer.local/", "printer.local is a name reserved for tests and examples"),
]


@pytest.fixture(autouse=True)
def rescore(rescores):
    return rescores


@pytest.mark.parametrize(("website", "said"), REFUSED)
def test_the_profile_page_refuses_a_website_that_is_not_a_public_https_address(alice_client, firm_a, website, said):
    response = alice_client.post(edit(firm_a), form_data(firm_a, website=website))

    assert response.status_code == 400
    assert response.context["form"].errors["website"][0].startswith(said)
    firm_a.refresh_from_db()
    assert firm_a.website == ""
    assert website not in alice_client.get(detail(firm_a)).content.decode()


@pytest.mark.parametrize(("website", "said"), REFUSED[:3])
def test_the_api_refuses_it_naming_website(alice_client, firm_a, website, said):
    response = alice_client.patch("/api/v1/companies/firm-a/", {"website": website}, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["website"] and response.json()["website"][0].startswith(said)


def test_the_csv_import_refuses_it_by_line_and_field(db):
    header = "name,country,size,founded,website,description,technology_areas,trl,certifications\n"
    data = (header + "Acme,AU,sme,2012,http://localhost:8021/admin/,Makes lasers,,,\n").encode()

    with pytest.raises(CompanyImportError) as caught:
        companies_import(data=data, by=None)

    assert [str(e) for e in caught.value.errors] == ["line 2, field website: Give the address starting with https://."]
    assert not Company.objects.exists()


def test_a_public_https_website_is_saved_and_linked(alice_client, firm_a):
    response = alice_client.post(edit(firm_a), form_data(firm_a, website="https://www.firm-a.com.au/"))

    assert response.status_code == 302
    assert 'href="https://www.firm-a.com.au/"' in alice_client.get(detail(firm_a)).content.decode()


def test_an_expired_certificate_is_shown_as_expired_and_warned_of_on_save(alice_client, firm_a):
    cert = CertificationFactory(code="as9100d", name="AS9100D")
    data = form_data(firm_a, **{"certifications-0-certification": cert.pk, "certifications-0-expires_on": "2001-01-01"})

    response = alice_client.post(edit(firm_a), data, follow=True)

    page = response.content.decode()
    assert "Expired, so not counted for matching until renewed: AS9100D." in page
    assert "expired 1 January 2001: not counted for matching" in page
    assert "expires 1 January 2001" not in page
    assert firm_a.certification_links.get().expires_on.isoformat() == "2001-01-01"  # kept, to be renewed


def test_a_valid_certificate_is_listed_with_its_expiry_and_no_warning(alice_client, firm_a):
    cert = CertificationFactory(code="as9100d", name="AS9100D")
    data = form_data(firm_a, **{"certifications-0-certification": cert.pk, "certifications-0-expires_on": "2099-03-31"})

    page = alice_client.post(edit(firm_a), data, follow=True).content.decode()

    assert "expires 31 March 2099" in page and "Expired" not in page and "not counted" not in page


@pytest.mark.parametrize(("days_left", "counted"), [(0, True), (-1, False)])
def test_the_profile_and_the_matcher_agree_on_the_day_a_certificate_expires(alice_client, firm_a, days_left, counted):
    today = timezone.localdate()
    cert = CertificationFactory(code="as9100d", name="AS9100D")
    firm_a.certification_links.create(certification=cert, expires_on=today + datetime.timedelta(days=days_left))

    page = alice_client.get(detail(firm_a)).content.decode()
    (row,) = scoring_companies(ids=[firm_a.pk], today=today)

    assert ("not counted for matching" not in page) is counted
    assert ("as9100d" in row.certifications) is counted


OLD_WEBSITE = "http://www.firm-a.example/"  # stored before websites had to be https:// (companies migration 0012)


@pytest.fixture
def old_website(firm_a):
    Company.objects.filter(pk=firm_a.pk).update(website=OLD_WEBSITE)
    firm_a.refresh_from_db()
    return firm_a


def test_a_firm_with_an_old_http_website_saves_its_description_on_its_page(alice_client, old_website):
    response = alice_client.post(edit(old_website), form_data(old_website, description="Now makes radars."))

    assert response.status_code == 302
    old_website.refresh_from_db()
    assert (old_website.description, old_website.website) == ("Now makes radars.", OLD_WEBSITE)


def test_a_consultant_saves_a_firm_with_an_old_http_website_in_the_admin(consultant_client, old_website):
    url = reverse("admin:companies_company_change", args=[old_website.pk])
    form = consultant_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"description": "Now makes radars.", "change_reason": ""}
    for prefix in ("certification_links", "memberships"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = consultant_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    old_website.refresh_from_db()
    assert (old_website.description, old_website.website) == ("Now makes radars.", OLD_WEBSITE)


def test_a_firm_with_an_old_http_website_saves_its_description_through_the_api(alice_client, old_website):
    body = {"description": "Now makes radars."}
    response = alice_client.patch("/api/v1/companies/firm-a/", body, content_type="application/json")

    assert response.status_code == 200
    old_website.refresh_from_db()
    assert (old_website.description, old_website.website) == ("Now makes radars.", OLD_WEBSITE)


def test_a_new_http_website_is_still_refused_where_an_old_one_is_kept(alice_client, old_website):
    data = form_data(old_website, website="http://www.firm-a.example/new/")

    response = alice_client.post(edit(old_website), data)

    assert response.status_code == 400
    assert response.context["form"].errors["website"] == ["Give the address starting with https://."]


def test_the_profile_asks_its_editors_to_give_the_https_address(alice_client, old_website):
    said = "The stored website would not be accepted today: Give the address starting with https://."

    assert said in alice_client.get(detail(old_website)).content.decode()
    assert said in alice_client.get(edit(old_website)).content.decode()
    Company.objects.filter(pk=old_website.pk).update(website="https://www.firm-a.example/")
    assert said not in alice_client.get(detail(old_website)).content.decode()
