"""The companies admin: consultants curate firms and upload CSV files; company staff never get in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from companies.models import Company, Membership
from tests.factories import CertificationFactory, CompanyFactory, TechnologyAreaFactory, UserFactory

IMPORT_URL = "/admin/companies/company/import/"
HEADER = "name,country,size,founded,website,description,technology_areas,trl,certifications\n"


@pytest.fixture
def uav(db):
    return TechnologyAreaFactory(slug="uav")


def upload(content: str, name: str = "firms.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def test_the_changelist_links_to_the_upload_page(consultant_client, firm_a):
    response = consultant_client.get(reverse("admin:companies_company_changelist"))

    assert response.status_code == 200
    assert IMPORT_URL in response.content.decode()
    assert "Firm A" in response.content.decode()


def test_a_consultant_imports_a_good_file(consultant, consultant_client, uav, rescores):
    content = HEADER + "Acme Drones,AU,sme,2015,https://acme.example.com,Small drones,uav,5,\n"

    response = consultant_client.post(IMPORT_URL, {"file": upload(content)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:companies_company_changelist")
    assert "Firms created: 1, updated: 0, unchanged: 0." in response.content.decode()
    acme = Company.objects.get(slug="acme-drones")
    assert acme.history.get().history_user == consultant
    assert rescores.targets() == [("company", acme.pk)] and len(rescores.enqueues) == 1


def test_the_upload_message_names_the_firms_whose_profiles_were_overwritten(consultant_client, uav, rescores):
    CompanyFactory(slug="acme-drones", name="Acme Drones", description="Edited by Acme's staff.")
    content = HEADER + "Acme Drones,AU,sme,2015,,Small drones,uav,5,\n" + "Beta Boats,AU,sme,,,Boats,,,\n"

    response = consultant_client.post(IMPORT_URL, {"file": upload(content)}, follow=True)

    page = response.content.decode()
    assert "Firms created: 1, updated: 1, unchanged: 0. Created: Beta Boats. Updated: Acme Drones." in page
    japanese = consultant_client.post("/ja" + IMPORT_URL, {"file": upload(content)}, follow=True).content.decode()
    assert "変更なし：2 社。" in japanese


def test_the_upload_message_in_japanese_names_the_updated_firms(consultant_client, uav, rescores):
    CompanyFactory(slug="acme-drones", name="Acme Drones", description="Edited by Acme's staff.")
    CompanyFactory(slug="beta-boats", name="Beta Boats", description="Edited too.")
    content = HEADER + "Acme Drones,AU,sme,,,Small drones,uav,5,\n" + "Beta Boats,AU,sme,,,Boats,,,\n"

    response = consultant_client.post("/ja" + IMPORT_URL, {"file": upload(content)}, follow=True)

    assert "変更なし：0 社。更新した企業：Acme Drones、Beta Boats。" in response.content.decode()


def test_the_upload_page_offers_the_optional_japan_presence_column(consultant_client, uav, rescores):
    assert "(optional columns: japan_presence)" in consultant_client.get(IMPORT_URL).content.decode()
    assert "省略できる列：japan_presence" in consultant_client.get("/ja" + IMPORT_URL).content.decode()
    content = HEADER.replace("\n", ",japan_presence\n") + "Acme Drones,AU,sme,2015,,Small drones,uav,5,,partner\n"

    consultant_client.post(IMPORT_URL, {"file": upload(content)})

    assert Company.objects.get(slug="acme-drones").japan_presence == "partner"


def test_a_bad_file_lists_every_problem_and_imports_nothing(consultant_client, uav):
    content = HEADER + "Acme,XX,sme,,,Drones,uav,,\n" + "Beta,AU,sme,,,Boats,uuv,10,\n"

    response = consultant_client.post(IMPORT_URL, {"file": upload(content)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "3 problems in the file; nothing was imported." in page
    assert "line 2, field country: unknown country &#x27;XX&#x27;" in page
    assert "line 3, field technology_areas: unknown technology area &#x27;uuv&#x27;" in page
    assert "line 3, field trl: TRL &#x27;10&#x27; is out of range" in page
    assert not Company.objects.exists()


def test_an_oversized_upload_is_refused_with_a_clear_message(consultant_client, uav, settings):
    settings.COMPANY_IMPORT_MAX_BYTES = 100
    content = HEADER + "Acme Drones,AU,sme,2015,https://acme.example.com,Small drones,uav,5,\n" * 3

    response = consultant_client.post(IMPORT_URL, {"file": upload(content)})

    assert response.status_code == 200
    assert "uploads are limited to 100\xa0bytes" in response.content.decode()
    assert not Company.objects.exists()


def test_company_staff_cannot_reach_the_upload_page(bob_client):
    response = bob_client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_admin_staff_who_are_not_consultants_cannot_upload(db):
    client = Client()
    client.force_login(UserFactory(username="clerk", is_staff=True))

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": upload(HEADER)}).status_code == 403


def test_an_admin_edit_goes_through_the_service_with_its_reason(consultant, consultant_client, firm_a, uav, rescores):
    cert = CertificationFactory(code="as9100d")
    url = reverse("admin:companies_company_change", args=[firm_a.pk])
    data = {
        "slug": "firm-a",
        "name": "Firm A",
        "country": "AU",
        "size": "large",
        "description": "Makes drones.",
        "technology_areas": [uav.pk],
        "japan_presence": "office",
        "change_reason": "Annual review call",
        "certification_links-TOTAL_FORMS": "1",
        "certification_links-INITIAL_FORMS": "0",
        "certification_links-0-certification": cert.pk,
        "certification_links-0-expires_on": "2028-06-30",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = consultant_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    firm_a.refresh_from_db()
    assert (firm_a.size, firm_a.japan_presence) == ("large", "office")
    assert list(firm_a.technology_areas.all()) == [uav]
    assert str(firm_a.certification_links.get().expires_on) == "2028-06-30"
    record = firm_a.history.first()
    assert (record.history_user, record.history_change_reason, record.size) == (
        consultant,
        "Annual review call",
        "large",
    )
    assert rescores.targets() == [("company", firm_a.pk)] and len(rescores.enqueues) == 1


def test_an_admin_add_creates_the_firm_and_its_staff(consultant_client, alice, uav):
    data = {
        "slug": "",
        "name": "Kestrel Systems",
        "country": "US",
        "size": "startup",
        "description": "Counter-drone radars.",
        "technology_areas": [uav.pk],
        "japan_presence": "none",
        "certification_links-TOTAL_FORMS": "0",
        "certification_links-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": "alice",
        "memberships-0-role": "viewer",
    }

    response = consultant_client.post(reverse("admin:companies_company_add"), data)

    assert response.status_code == 302
    kestrel = Company.objects.get(slug="kestrel-systems")
    assert Membership.objects.get(company=kestrel).user == alice
    assert kestrel.history.get().history_type == "+"


def test_a_consultant_adds_staff_by_username(consultant_client, firm_b, bob):
    data = {"user": "bob", "company": firm_b.pk, "role": "viewer"}

    taken = consultant_client.post(reverse("admin:companies_membership_add"), data)
    unknown = consultant_client.post(reverse("admin:companies_membership_add"), {**data, "user": "mallory"})

    assert taken.status_code == 200  # bob is already on firm B's staff
    assert unknown.status_code == 200
    assert "There is no active user with this username." in unknown.content.decode()
    response = consultant_client.post(reverse("admin:companies_membership_add"), {**data, "user": "consultant"})
    assert response.status_code == 302
    assert firm_b.memberships.count() == 2


def test_the_membership_list_is_for_consultants_only(consultant_client, alice, bob, db):
    clerk = Client()
    clerk.force_login(UserFactory(username="clerk", is_staff=True))

    response = consultant_client.get(reverse("admin:companies_membership_changelist"))

    assert response.status_code == 200
    assert "alice" in response.content.decode()
    assert clerk.get(reverse("admin:companies_membership_changelist")).status_code == 403
    assert clerk.get(reverse("admin:companies_company_changelist")).status_code == 403


def test_a_consultant_opens_the_change_history_and_upload_pages(consultant_client, firm_a, alice):
    for url in (
        reverse("admin:companies_company_change", args=[firm_a.pk]),
        reverse("admin:companies_company_history", args=[firm_a.pk]),
        reverse("admin:companies_company_add"),
        IMPORT_URL,
    ):
        assert consultant_client.get(url).status_code == 200, url


def test_a_firm_with_staff_saves_as_the_form_shows_it(consultant_client, firm_a, alice):
    """The members' boxes show usernames, so saving the page as it stands keeps the staff and changes nothing."""
    from tests.programmes.test_admin import _form_data

    url = reverse("admin:companies_company_change", args=[firm_a.pk])
    page = consultant_client.get(url)
    data = _form_data(page)
    assert data["memberships-0-user"] == "alice"
    rows = firm_a.history.count()

    response = consultant_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(firm_a.memberships.values_list("user__username", flat=True)) == ["alice"]
    assert firm_a.history.count() == rows


def test_the_firms_admin_page_reads_its_members_in_one_go(consultant_client, firm_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MembershipFactory

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert consultant_client.get(f"/admin/companies/company/{firm_a.pk}/change/").status_code == 200
        return len(captured)

    MembershipFactory(company=firm_a)
    queries()  # the first visit fills the caches (content types, permissions)
    one_member = queries()
    for _ in range(4):
        MembershipFactory(company=firm_a)
    assert queries() == one_member  # not one more query per member row


def _certification_given_twice(client, firm, certification, prefix: str = "") -> list[str]:
    """The firm's admin page posted back, under PREFIX (/ja), with CERTIFICATION again on the empty row: the errors
    above the certifications."""
    from tests.programmes.test_admin import _form_data

    url = prefix + reverse("admin:companies_company_change", args=[firm.pk])
    data = _form_data(client.get(url)) | {"certification_links-1-certification": str(certification.pk)}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.model.__name__ == "CompanyCertification"
    )
    return [str(error) for error in formset.non_form_errors()]


def test_a_certification_held_twice_is_named_in_the_readers_words_and_refused(consultant_client, firm_a):
    from companies.models import CompanyCertification

    held = CertificationFactory(code="jisq9100", name="JIS Q 9100", name_ja="JIS Q 9100（航空宇宙）")
    CompanyCertification.objects.create(company=firm_a, certification=held)

    english = _certification_given_twice(consultant_client, firm_a, held)
    japanese = _certification_given_twice(consultant_client, firm_a, held, prefix="/ja")

    assert english == ["The certification “JIS Q 9100” is listed more than once: keep one row for it."]
    assert japanese == ["認証「JIS Q 9100（航空宇宙）」が複数の行にあります。1 行だけを残してください。"]
    assert firm_a.certification_links.count() == 1
