"""Deleting sources on the Sources admin page: a published record's last source stays, and the page says so."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.messages import get_messages

from programmes.models import Opportunity, Source
from tests.factories import OpportunityFactory

SOURCES = "/admin/programmes/source/"


@pytest.fixture
def published(db):
    """A published record citing one source, and a draft citing two."""
    record = OpportunityFactory(slug="expo", title="Expo", title_ja="展示会", status=Opportunity.Status.PUBLISHED)
    draft = OpportunityFactory(slug="draft", title="Draft", status=Opportunity.Status.DRAFT)
    Source.objects.create(opportunity=draft, url="https://example.org/second", publisher="MOD")
    return record, draft


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_bulk_delete_that_takes_a_published_records_last_source_deletes_nothing_and_says_so_in_japanese(
    published, consultant_client
):
    record, draft = published
    selected = [record.sources.get().pk, draft.sources.first().pk]

    response = consultant_client.post(
        f"/ja{SOURCES}", {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )

    messages = said(response)
    assert len(messages) == 1 and messages[0].startswith("削除されませんでした：")  # no "2 sources deleted" after it
    assert "公開中の案件には少なくとも 1 つの出典が必要です" in messages[0]
    assert Source.objects.filter(pk__in=selected).count() == 2  # all or none: the draft's source stays too
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_a_bulk_delete_of_sources_that_may_go_deletes_them_logs_it_and_says_so(published, consultant_client):
    _record, draft = published
    selected = list(draft.sources.values_list("pk", flat=True))

    response = consultant_client.post(
        SOURCES, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )

    assert said(response) == ["Successfully deleted 2 sources."]
    assert not Source.objects.filter(pk__in=selected).exists()
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2
    deletions = Source.history.filter(history_type="-")
    assert [row.history_change_reason for row in deletions] == ["Deleted in the admin"] * 2


def test_deleting_the_last_source_from_its_own_page_is_refused_in_the_readers_language(published, consultant_client):
    record, _draft = published
    only = record.sources.get()

    response = consultant_client.post(f"/ja{SOURCES}{only.pk}/delete/", {"post": "yes"})

    [message] = said(response)
    assert message.startswith("削除されませんでした：") and "別の出典を追加するか" in message
    assert Source.objects.filter(pk=only.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
