"""A firm's website is an https:// address of a public host, as its help text says, wherever it is written (the
profile page, the API, the CSV import); an expired certificate is kept but shown as expired, with a warning on save.
"""

import pytest

from companies.importing import CompanyImportError, companies_import
from companies.models import Company
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
