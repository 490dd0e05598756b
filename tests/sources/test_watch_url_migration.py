"""Watches that read a page before they kept its address take their source's (sources 0005), so a consultant's
later edit of the address is seen at the next check."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sources", "0004_watch_url")]
AFTER = [("sources", "0005_watch_url_backfill")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_watch_that_read_its_page_before_addresses_were_kept_takes_its_sources_address():
    apps = _migrate(BEFORE)
    Opportunity, Source = apps.get_model("programmes", "Opportunity"), apps.get_model("programmes", "Source")
    Watch = apps.get_model("sources", "SourceWatch")
    record = Opportunity.objects.create(slug="expo", title="Expo", kind="event")
    read = Source.objects.create(opportunity=record, url="https://example.org/expo", publisher="Organiser")
    unread = Source.objects.create(opportunity=record, url="https://example.org/later", publisher="Organiser")
    Watch.objects.create(source=read, text="Expo in Tokyo", text_hash="a" * 64, etag='"v1"')
    Watch.objects.create(source=unread)
    try:
        after = _migrate(AFTER).get_model("sources", "SourceWatch")
        urls = dict(after.objects.values_list("source__url", "url"))
        assert urls == {"https://example.org/expo": "https://example.org/expo", "https://example.org/later": ""}
    finally:
        _migrate(_latest())
