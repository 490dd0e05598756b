"""A record's admin history lists a source changed on its own, as the record's page does, on the page it falls on."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from tests.factories import OpportunityFactory, SourceFactory
from tests.programmes.test_admin import _form_data


def history_rows(client, record, path: str = "", **params) -> list[str]:
    """The rows of RECORD's admin history page (PATH prefixes the language), newest first."""
    response = client.get(path + reverse("admin:programmes_opportunity_history", args=[record.pk]), params)
    assert response.status_code == 200
    return response.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


@pytest.fixture
def record_with_a_later_source_edit(consultant_client):
    """A record and its source written a month ago, then the source alone edited on its own admin page today."""
    record = OpportunityFactory(slug="gcap", title="GCAP")
    source = SourceFactory(opportunity=record, title="ATLA notice")
    month = datetime.timedelta(days=30)
    record.history.update(history_date=F("history_date") - month)
    source.history.update(history_date=F("history_date") - month)
    page = reverse("admin:programmes_source_change", args=[source.pk])
    edit = {"note": "Deadline moved to March.", "change_reason": "ATLA update"}
    data = _form_data(consultant_client.get(page)) | edit
    assert consultant_client.post(page, data).status_code == 302
    return record, source


def test_a_source_edited_alone_is_its_own_entry_in_the_records_admin_history(
    consultant_client, record_with_a_later_source_edit
):
    record, source = record_with_a_later_source_edit

    newest, *older = history_rows(consultant_client, record)

    assert "Sources (changed: ATLA notice)" in newest
    assert "ATLA update" in newest and "consultant" in newest and "Changed" in newest
    assert f'<a href="/admin/programmes/source/{source.pk}/history/">ATLA notice</a>' in newest
    assert not any("Sources (changed" in row for row in older)  # not folded into the month-old rows


def test_the_japanese_admin_history_lists_it_in_japanese(consultant_client, record_with_a_later_source_edit):
    record, _source = record_with_a_later_source_edit

    newest = history_rows(consultant_client, record, "/ja")[0]

    assert "出典（変更：ATLA notice）" in newest and "変更" in newest


def test_a_paged_history_lists_the_source_edit_once_on_the_page_of_its_date(
    consultant_client, record_with_a_later_source_edit, monkeypatch
):
    from programmes.admin import OpportunityAdmin

    record, _source = record_with_a_later_source_edit
    monkeypatch.setattr(OpportunityAdmin, "history_list_per_page", 1)
    for n in range(2):  # two edits of the record after the source's, so the source's entry is on page 3
        record.summary = f"Summary {n}."
        record.save()

    pages = [history_rows(consultant_client, record, p=n) for n in range(1, record.history.count() + 1)]

    shown = [n for n, rows in enumerate(pages, start=1) if any("Sources (changed: ATLA notice)" in r for r in rows)]
    assert shown == [3]
