"""A re-import overwrites the imported columns, edits the firm's own staff made included (docs/import.md): the
consultant is told which firms' staff edits it overwrote, on the command, the inline upload and a background import's
status page."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from companies.importing import HEADER, companies_import
from companies.models import Company, CompanyImport
from companies.services import company_update
from tests.factories import CompanyFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/companies/company/import/"
HEADER_LINE = ",".join(HEADER) + "\n"
WARNING = "Staff edits overwritten: Firm A. Their own staff had changed these firms since the last import"


@pytest.fixture(autouse=True)
def rescore():
    with mock.patch("matching.dispatch.companies_rescore_later") as many:
        yield many


@pytest.fixture
def imported(consultant, firm_a):
    """Firm A and Firm B as a first import left them."""
    TechnologyAreaFactory(slug="uav")
    CompanyFactory(slug="firm-b", name="Firm B")
    companies_import(data=file_bytes("Firm A", "Firm B", text="From the file"), by=consultant, source="first.csv")
    return consultant


def file_bytes(*names: str, text: str) -> bytes:
    return (HEADER_LINE + "".join(f"{name},AU,sme,2015,,{text},uav,5,\n" for name in names)).encode()


def staff_edit(user, text: str) -> None:
    """USER, one of Firm A's staff, rewrites its description on the profile form's service."""
    company = Company.objects.get(slug="firm-a")
    company_update(company=company, data={"description": text}, by=user, reason="Edited in the portal")


def command(data: bytes, tmp_path) -> str:
    path = tmp_path / "again.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_companies", str(path), "--user", "consultant", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_warns_whose_staff_edits_it_overwrote(imported, alice, firm_a, tmp_path):
    staff_edit(alice, "Our own words.")

    out = command(file_bytes("Firm A", "Firm B", text="New from the file"), tmp_path)

    assert "Updated: Firm A, Firm B." in out
    assert WARNING in out
    firm_a.refresh_from_db()
    assert firm_a.description == "New from the file"  # still all of the file, written
    assert firm_a.history.all()[1].description == "Our own words."  # and the history keeps what staff wrote


def test_staff_edits_an_earlier_import_already_overwrote_are_not_named_again(imported, alice, firm_a, tmp_path):
    staff_edit(alice, "Our own words.")
    command(file_bytes("Firm A", text="Second file"), tmp_path)

    out = command(file_bytes("Firm A", text="Third file"), tmp_path)

    assert "Updated: Firm A." in out
    assert "Staff edits overwritten" not in out


def test_a_consultants_edit_is_not_called_a_staff_edit(imported, firm_a, alice, tmp_path):
    company = Company.objects.get(slug="firm-a")
    company_update(company=company, data={"description": "Fixed by a consultant."}, by=imported, reason="Edited")

    out = command(file_bytes("Firm A", text="New from the file"), tmp_path)

    assert "Updated: Firm A." in out
    assert "Staff edits overwritten" not in out


def test_a_staff_edit_the_file_agrees_with_is_not_overwritten(imported, alice, firm_a, tmp_path):
    staff_edit(alice, "Same words.")

    out = command(file_bytes("Firm A", text="Same words."), tmp_path)

    assert "updated: 0, unchanged: 1" in out
    assert "Staff edits overwritten" not in out


def test_the_admin_upload_warns_whose_staff_edits_it_overwrote(imported, alice, firm_a, consultant_client):
    staff_edit(alice, "Our own words.")
    upload = SimpleUploadedFile("again.csv", file_bytes("Firm A", "Firm B", text="New"), content_type="text/csv")

    page = consultant_client.post(IMPORT_URL, {"file": upload}, follow=True).content.decode()

    assert "Updated: Firm A, Firm B." in page
    assert WARNING in page


def test_a_background_import_warns_on_its_status_page_in_the_readers_language(
    imported, alice, firm_a, consultant_client, settings, django_capture_on_commit_callbacks
):
    staff_edit(alice, "Our own words.")
    settings.COMPANY_IMPORT_INLINE_BYTES = 10
    upload = SimpleUploadedFile("again.csv", file_bytes("Firm A", "Firm B", text="New"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(IMPORT_URL, {"file": upload})
    job = CompanyImport.objects.get()

    assert WARNING in consultant_client.get(job.get_absolute_url()).content.decode()
    japanese = consultant_client.get("/ja" + job.get_absolute_url()).content.decode()
    assert "スタッフの編集を上書きした企業：Firm A。" in japanese
    assert Company.objects.get(slug="firm-a").description == "New"


def test_a_staff_edit_of_a_field_the_file_does_not_write_is_not_called_overwritten(imported, alice, firm_a, tmp_path):
    company = Company.objects.get(slug="firm-a")
    company_update(company=company, data={"alert_threshold": 80}, by=alice, reason="Edited in the portal")

    out = command(file_bytes("Firm A", text="New from the file"), tmp_path)

    assert "Updated: Firm A." in out
    assert "Staff edits overwritten" not in out
    assert Company.objects.get(slug="firm-a").alert_threshold == 80


def test_a_staff_edit_of_one_field_is_named_only_when_the_file_rewrites_that_field(imported, alice, firm_a, tmp_path):
    staff_edit(alice, "Our own words.")
    agrees = (HEADER_LINE + "Firm A,AU,sme,2016,,Our own words.,uav,5,\n").encode()  # only the year changes

    out = command(agrees, tmp_path)

    assert "Updated: Firm A." in out and "Staff edits overwritten" not in out
