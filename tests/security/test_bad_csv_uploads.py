"""Oversized and malformed CSV files are refused with a message and write nothing (issue 6, "Bad input").

Both ways in are tried: the consultants' upload page in the admin and `manage.py import_companies`.
"""

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from companies.importing import HEADER
from companies.models import Company
from tests.factories import CompanyFactory, TechnologyAreaFactory

HEADER_LINE = ",".join(HEADER) + "\n"
GOOD_ROW = "Acme Drones,AU,sme,2015,https://acme.example.com,Small drones,uav,5,\n"

BAD_FILES = {
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
        ["line 1, field file: the file is not UTF-8 (byte 0x89 cannot be read)"],
    ),
    "latin-1": (
        (HEADER_LINE + "Société Générale Défense,FR,large,,,Systèmes,uav,,\n").encode("latin-1"),
        ["line 2, field file: the file is not UTF-8 (byte 0xe9 cannot be read)"],
    ),
    "nul bytes": (
        b"\x00" * 64 + b"\n" + GOOD_ROW.encode(),
        ["line 1, field header: unknown column '", "; expected the header name,country,size"],
    ),
    "wrong header": (
        ("company,nation,headcount\n" + GOOD_ROW).encode(),
        [
            "line 1, field header: unknown columns 'company', 'nation', 'headcount'; missing columns 'name', "
            "'country', 'size', 'founded', 'website', 'description', 'technology_areas', 'trl', 'certifications'; "
            "expected the header name,country,size,founded,website"
        ],
    ),
    "header only with a missing column": (
        (",".join(HEADER[:-1]) + "\n" + GOOD_ROW).encode(),
        ["line 1, field header: missing column 'certifications'; expected the header"],
    ),
    "a field over the CSV field limit": (
        (HEADER_LINE + GOOD_ROW + f"Big,AU,sme,,,{'x' * (csv.field_size_limit() + 1)},uav,,\n").encode(),
        ["line 3, field description: longer than 131,072 characters, the most a CSV field may hold"],
    ),
    "a name longer than the column": (
        (HEADER_LINE + f"{'N' * 5000},AU,sme,,,Drones,uav,,\n").encode(),
        ["line 2, field name: longer than 200 characters"],
    ),
    "a website longer than the column": (
        (HEADER_LINE + f"Acme,AU,sme,,https://{'a' * 5000}.example,Drones,uav,,\n").encode(),
        ["line 2, field website: longer than 300 characters"],
    ),
    "a country of 100 000 characters": (
        (HEADER_LINE + f"Acme,{'Z' * 100_000},sme,,,Drones,uav,,\n").encode(),
        ["line 2, field country: unknown country 'ZZZZ"],
    ),
    "ten thousand unknown technology areas": (
        (HEADER_LINE + "Acme,AU,sme,,,Drones," + ";".join(f"area{i}" for i in range(10_000)) + ",,\n").encode(),
        ["line 2, field technology_areas: unknown technology area 'area0', 'area1'"],
    ),
    "a row with a huge number of columns": (
        (HEADER_LINE + GOOD_ROW + "Wide," + ",".join(["x"] * 100_000) + "\n").encode(),
        ["line 3, field row: expected 9 columns but found 100001"],
    ),
    "a header with a huge number of columns": (
        (",".join(f"c{i}" for i in range(100_000)) + "\n" + GOOD_ROW).encode(),
        ["line 1, field header: unknown columns 'c0', 'c1', ", "; missing columns 'name', 'country'"],
    ),
    "an unterminated quote": (
        (HEADER_LINE + 'Acme,AU,sme,,,"Drones that never end,uav,,\n' + GOOD_ROW).encode(),
        ["field row: expected 9 columns but found 6"],
    ),
}
# Error lines longer than this are not a message a person can read.
MESSAGE_MAX = 1_000


@pytest.fixture(autouse=True)
def rescore():
    with mock.patch("matching.dispatch.companies_rescore_later") as many:
        yield many


@pytest.fixture
def existing(db):
    """A firm already there and the area the good rows name: the count must not move."""
    TechnologyAreaFactory(slug="uav")
    CompanyFactory(slug="acme-drones", name="Acme Drones", description="Already here.")
    return Company.objects.count()


@pytest.fixture
def import_url():
    return reverse("admin:companies_company_import")


def upload(data: bytes, name: str = "firms.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _refusals(page: str) -> list[str]:
    """The error lines the upload page lists."""
    start = page.find('<ul class="errorlist import-errors">')
    return [] if start < 0 else page[start : page.find("</ul>", start)].split("<li>")[1:]


@pytest.mark.parametrize("case", BAD_FILES)
def test_the_upload_page_refuses_a_bad_file_with_its_reason(consultant_client, existing, import_url, rescore, case):
    data, expected = BAD_FILES[case]

    response = consultant_client.post(import_url, {"file": upload(data)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was imported" in page
    errors = _refusals(page)
    for reason in expected:
        assert any(reason.replace("'", "&#x27;") in error for error in errors), errors[:3]
    assert all(len(error) < MESSAGE_MAX for error in errors), "an error line too long to read"
    assert Company.objects.count() == existing
    assert Company.objects.get(slug="acme-drones").description == "Already here."
    rescore.assert_not_called()


@pytest.mark.parametrize("case", BAD_FILES)
def test_the_command_refuses_a_bad_file_with_its_reason(existing, tmp_path, rescore, case):
    data, expected = BAD_FILES[case]
    path = tmp_path / "firms.csv"
    path.write_bytes(data)
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_companies", str(path), stdout=io.StringIO(), stderr=err, verbosity=0)

    lines = err.getvalue().splitlines()
    for reason in expected:
        assert any(reason in line for line in lines), lines[:3]
    assert all(len(line) < MESSAGE_MAX for line in lines), "an error line too long to read"
    assert Company.objects.count() == existing
    rescore.assert_not_called()


def test_the_upload_page_refuses_an_oversized_file_before_reading_it(
    consultant_client, existing, import_url, rescore, settings
):
    settings.COMPANY_IMPORT_MAX_BYTES = 1024
    data = (HEADER_LINE + "".join(f"Firm {i},AU,sme,,,Drones,uav,,\n" for i in range(100))).encode()
    assert len(data) > 1024

    with mock.patch("companies.admin.companies_import") as importer:
        response = consultant_client.post(import_url, {"file": upload(data)})

    page = response.content.decode()
    assert "uploads are limited to 1.0\xa0KB" in page
    assert "manage.py import_companies" in page  # where a big file should go
    importer.assert_not_called()
    assert Company.objects.count() == existing
    rescore.assert_not_called()


def test_the_upload_page_refuses_an_empty_file(consultant_client, existing, import_url):
    response = consultant_client.post(import_url, {"file": upload(b"")})

    assert "The submitted file is empty." in response.content.decode()
    assert Company.objects.count() == existing


def test_the_upload_page_refuses_a_post_without_a_file(consultant_client, existing, import_url):
    response = consultant_client.post(import_url, {})

    assert "This field is required." in response.content.decode()
    assert Company.objects.count() == existing


def test_the_command_refuses_an_empty_file(existing, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_companies", str(path), stdout=io.StringIO(), stderr=err, verbosity=0)

    assert "line 1, field header: the file is empty; expected a header row" in err.getvalue()
    assert Company.objects.count() == existing


def test_the_command_refuses_a_missing_file_with_a_message(existing, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_companies", str(tmp_path / "nowhere.csv"), stdout=io.StringIO(), stderr=io.StringIO())

    assert Company.objects.count() == existing


def test_a_bad_row_after_good_ones_writes_none_of_them(consultant_client, existing, import_url):
    data = (
        HEADER_LINE + "New One,AU,sme,,,Drones,uav,,\nNew Two,AU,sme,,,Drones,uav,,\n" + "Bad,XX,sme,,,x,,,\n"
    ).encode()

    response = consultant_client.post(import_url, {"file": upload(data)})

    assert response.status_code == 400
    assert not Company.objects.filter(slug__in=["new-one", "new-two"]).exists()
    assert Company.objects.count() == existing


def test_company_staff_cannot_reach_the_upload_page(alice_client, existing, import_url):
    response = alice_client.post(import_url, {"file": upload((HEADER_LINE + GOOD_ROW).encode())})

    assert response.status_code == 302  # to the admin's sign-in: staff of firms are not admin users
    assert Company.objects.count() == existing
