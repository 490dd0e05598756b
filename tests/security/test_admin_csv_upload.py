"""Finding 8 of issue 17: the admin CSV upload lists at most 200 problems, and large files import in the background."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from companies import importing
from companies.importing import HEADER, companies_import
from companies.models import Company, CompanyImport
from tests.factories import TechnologyAreaFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/companies/company/import/"
HEADER_LINE = ",".join(HEADER) + "\n"


@pytest.fixture(autouse=True)
def rescore():
    with mock.patch("matching.dispatch.companies_rescore_later") as many:
        yield many


@pytest.fixture
def uav(db):
    return TechnologyAreaFactory(slug="uav")


def good_rows(count: int) -> str:
    return "".join(f"Firm {n},AU,sme,2015,,Drones {n},uav,5,\n" for n in range(count))


def bad_rows(count: int) -> str:
    return "".join(f"Firm {n},XX,sme,,,Drones,uav,,\n" for n in range(count))


def upload(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("firms.csv", content.encode(), content_type="text/csv")


def test_a_file_of_a_thousand_bad_rows_lists_the_first_200_and_counts_them_all(consultant_client, uav):
    response = consultant_client.post(IMPORT_URL, {"file": upload(HEADER_LINE + bad_rows(1000))})

    text = response.content.decode()
    assert response.status_code == 400
    assert "1000 problems in the file; nothing was imported." in text
    assert "The first 200 are listed." in text
    assert text.count("field country:") == 200
    assert len(response.content) < 150_000
    assert not Company.objects.exists()


def test_a_large_file_is_imported_by_a_worker_and_the_status_page_says_how_it_went(
    consultant, consultant_client, uav, settings, rescore, django_capture_on_commit_callbacks
):
    settings.COMPANY_IMPORT_INLINE_BYTES = 1000

    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(IMPORT_URL, {"file": upload(HEADER_LINE + good_rows(50))})

    job = CompanyImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/companies/company/import/{job.pk}/"
    assert (job.status, job.created, job.uploaded_by, bytes(job.data)) == ("done", 50, consultant, b"")
    assert Company.objects.count() == 50
    rescore.assert_called_once()
    page = consultant_client.get(response["Location"]).content.decode()
    assert "Firms created: 50, updated: 0, unchanged: 0." in page
    assert 'http-equiv="refresh"' not in page
    upload_page = consultant_client.get(IMPORT_URL).content.decode()
    assert f'<a href="/admin/companies/company/import/{job.pk}/">firms.csv</a> — Imported' in upload_page


def test_a_large_bad_file_keeps_its_first_200_problems_on_the_job(
    consultant_client, uav, settings, django_capture_on_commit_callbacks
):
    settings.COMPANY_IMPORT_INLINE_BYTES = 1000

    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(IMPORT_URL, {"file": upload(HEADER_LINE + bad_rows(300))})

    job = CompanyImport.objects.get()
    assert (job.status, job.error_count, len(job.errors)) == ("failed", 300, 200)
    page = consultant_client.get(response["Location"]).content.decode()
    assert "300 problems in the file; nothing was imported." in page
    assert page.count("field country:") == 200
    assert not Company.objects.exists()


def test_the_status_page_shows_progress_while_the_worker_imports(consultant, consultant_client):
    job = CompanyImport.objects.create(
        uploaded_by=consultant, file_name="big.csv", data=b"", status=CompanyImport.Status.RUNNING
    )
    cache.set(f"company-import-progress:{job.pk}", ("writing", 5000, 100000))

    page = consultant_client.get(f"/admin/companies/company/import/{job.pk}/").content.decode()

    assert "Writing firms: 5000 of 100000." in page
    assert 'http-equiv="refresh"' in page


def test_the_import_reports_its_progress_chunk_by_chunk(uav, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    seen = []

    companies_import(data=(HEADER_LINE + good_rows(5)).encode(), by=None, report=lambda *args: seen.append(args))

    assert seen == [
        ("checking", 2, 5),
        ("checking", 4, 5),
        ("writing", 2, 5),
        ("writing", 4, 5),
        ("writing", 5, 5),
    ]


def test_firm_staff_cannot_see_an_import(alice_client, consultant):
    job = CompanyImport.objects.create(uploaded_by=consultant, file_name="big.csv", data=b"x")

    response = alice_client.get(f"/admin/companies/company/import/{job.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_japanese_upload_page_lists_each_problem_in_japanese(consultant_client, uav):
    content = HEADER_LINE + "Firm 1,XX,sme,,,Drones,uav,12,\n"
    response = consultant_client.post("/ja" + IMPORT_URL, {"file": upload(content)})
    text = response.content.decode()
    assert response.status_code == 400
    assert "2 行目、項目 country：不明な国「XX」です" in text
    assert "2 行目、項目 trl：TRL「12」は範囲外です" in text
    english = consultant_client.post(IMPORT_URL, {"file": upload(content)}).content.decode()
    assert "line 2, field country: unknown country" in english
    assert not Company.objects.exists()


def test_a_background_import_started_under_ja_stores_its_problems_in_the_sites_language(
    consultant_client, uav, settings, django_capture_on_commit_callbacks
):
    settings.COMPANY_IMPORT_INLINE_BYTES = 100
    with django_capture_on_commit_callbacks(execute=True):  # the job runs in this request, as with eager Celery
        consultant_client.post("/ja" + IMPORT_URL, {"file": upload(HEADER_LINE + bad_rows(3))})
    job = CompanyImport.objects.get()
    assert job.status == "failed" and job.errors[0].startswith("line 2, field country: unknown country 'XX'")
