"""A CSV file imported by a worker: its status page tells the consultant what the inline upload and the command do."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from companies.importing import HEADER
from companies.models import CompanyImport
from tests.factories import CompanyFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/companies/company/import/"
HEADER_LINE = ",".join(HEADER) + "\n"


@pytest.fixture(autouse=True)
def rescore():
    with mock.patch("matching.dispatch.companies_rescore_later") as many:
        yield many


@pytest.fixture
def big_upload(db, settings, consultant_client, django_capture_on_commit_callbacks):
    """Upload ROWS as a file over the inline limit, so a worker imports it (here at commit, as eager Celery does)."""
    TechnologyAreaFactory(slug="uav")
    settings.COMPANY_IMPORT_INLINE_BYTES = 100

    def post(rows: str) -> CompanyImport:
        upload = SimpleUploadedFile("firms.csv", (HEADER_LINE + rows).encode(), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = consultant_client.post(IMPORT_URL, {"file": upload})
        assert response.status_code == 302
        return CompanyImport.objects.get()

    return post


def rows(names: list[str]) -> str:
    return "".join(f"{name},AU,sme,2015,,Drones for {name},uav,5,\n" for name in names)


def test_the_status_page_names_the_firms_created_and_updated_twenty_of_each_then_counts_the_rest(
    big_upload, consultant_client
):
    for n in range(3):
        CompanyFactory(slug=f"old-{n}", name=f"Old {n}", description="Written by hand.")
    new = [f"New {n:02}" for n in range(23)]

    job = big_upload(rows(["Old 0", *new, "Old 1"]))

    page = consultant_client.get(job.get_absolute_url()).content.decode()
    assert "Firms created: 23, updated: 2, unchanged: 0." in page
    assert f"Created: {', '.join(new[:20])} and 3 more." in page
    assert "Updated: Old 0, Old 1." in page
    assert "Old 2" not in page


def test_the_status_page_names_the_firms_in_japanese_under_ja(big_upload, consultant_client):
    CompanyFactory(slug="old-0", name="Old 0", description="Written by hand.")
    new = [f"New {n:02}" for n in range(21)]

    job = big_upload(rows([*new, "Old 0"]))

    page = consultant_client.get("/ja" + job.get_absolute_url()).content.decode()
    assert f"新規の企業：{'、'.join(new[:20])} ほか 1 社。" in page
    assert "更新した企業：Old 0。" in page


def test_a_refused_background_import_names_no_firms(big_upload, consultant_client):
    job = big_upload("Acme,XX,sme,,,Drones,uav,,\n" * 3)

    page = consultant_client.get(job.get_absolute_url()).content.decode()
    assert job.status == "failed"
    assert "Created:" not in page and "Updated:" not in page
