"""Watches that read a page before they kept its address take their source's (sources 0005), so a consultant's
later edit of the address is seen at the next check."""

import pytest

from tests.migrations import migrate_back, migrate_to

BEFORE = [("sources", "0004_watch_url")]
AFTER = [("sources", "0005_watch_url_backfill")]


@pytest.mark.django_db(transaction=True)
def test_a_watch_that_read_its_page_before_addresses_were_kept_takes_its_sources_address():
    apps = migrate_to(BEFORE)
    Opportunity, Source = apps.get_model("programmes", "Opportunity"), apps.get_model("programmes", "Source")
    Watch = apps.get_model("sources", "SourceWatch")
    record = Opportunity.objects.create(slug="expo", title="Expo", kind="event")
    read = Source.objects.create(opportunity=record, url="https://example.org/expo", publisher="Organiser")
    unread = Source.objects.create(opportunity=record, url="https://example.org/later", publisher="Organiser")
    Watch.objects.create(source=read, text="Expo in Tokyo", text_hash="a" * 64, etag='"v1"')
    Watch.objects.create(source=unread)
    try:
        after = migrate_to(AFTER).get_model("sources", "SourceWatch")
        urls = dict(after.objects.values_list("source__url", "url"))
        assert urls == {"https://example.org/expo": "https://example.org/expo", "https://example.org/later": ""}
    finally:
        migrate_back()
