"""The queue's and the list's stale counts are read from the records when the page is drawn: a verification, from
the list's action or from a review in the queue, takes a record off them at once."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Opportunity
from tests.factories import OpportunityFactory
from tests.sources.test_source_reviews import changed  # noqa: F401 (a fixture: one open source change)

QUEUE = "/admin/sources/sourcechange/queue/"
CHANGELIST = "admin:programmes_opportunity_changelist"


def queue(client) -> tuple[str, list[str]]:
    """The queue's summary line and the titles in its stale list."""
    body = client.get(QUEUE).text
    summary = re.sub(r"\s+", " ", body.split("<h2>")[0].rsplit("<p>", 1)[1].split("</p>")[0])
    stale = re.findall(r'<a href="[^"]+">([^<]+)</a>', body.split('<ul id="stale">')[1].split("</ul>")[0])
    return summary, stale


def counts(client) -> tuple[str, str]:
    """The stale count on the admin index and on the records' list."""
    index = client.get("/admin/").text
    listing = client.get(reverse(CHANGELIST)).text
    on_index = re.search(r"Stale records</th><td>(\d+)</td>", index).group(1)
    on_list = re.search(r"(\d+) stale records?\b", listing).group(1)
    return on_index, on_list


@pytest.fixture
def stale_records(changed):  # noqa: F811 (the fixture imported above)
    """Beside the changed record (last verified on 1 January 2026): one never verified and one verified a year ago."""
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    OpportunityFactory(slug="never", title="Never checked call", last_verified_on=None)
    OpportunityFactory(slug="old", title="Year-old check hub", kind="hub", last_verified_on=year_ago)
    return changed


def test_marking_records_verified_on_the_list_takes_them_off_the_queue_and_the_counts_at_once(
    consultant_client, stale_records
):
    summary, stale = queue(consultant_client)
    assert "Stale records: 3." in summary and set(stale) == {"Expo", "Never checked call", "Year-old check hub"}
    assert counts(consultant_client) == ("3", "3")

    never = Opportunity.objects.get(slug="never")
    data = {"action": "mark_verified", "_selected_action": [never.pk], "confirm": "yes", "reason": "Read its page"}
    assert consultant_client.post(reverse(CHANGELIST), data, follow=True).status_code == 200

    summary, stale = queue(consultant_client)
    assert "Stale records: 2." in summary and set(stale) == {"Expo", "Year-old check hub"}
    assert counts(consultant_client) == ("2", "2")


def test_a_review_in_the_queue_that_verifies_the_record_takes_it_off_at_once(consultant_client, stale_records):
    review = reverse("admin:sources_sourcechange_review", args=[stale_records.pk, "no_change"])
    assert consultant_client.post(review, {"review_note": "Date already right"}).status_code == 302

    summary, stale = queue(consultant_client)
    assert "Open changes: 0." in summary and "Stale records: 2." in summary
    assert set(stale) == {"Never checked call", "Year-old check hub"}
    assert counts(consultant_client) == ("2", "2")


def test_no_browser_or_proxy_keeps_a_copy_of_the_queue_the_list_or_the_index(consultant_client, stale_records):
    for page in (QUEUE, reverse(CHANGELIST), "/admin/"):
        assert "no-store" in consultant_client.get(page)["Cache-Control"], page


def test_the_queue_summary_reads_right_for_one_of_each(consultant_client, changed):  # noqa: F811
    OpportunityFactory(slug="unchecked", title="Unchecked call", last_verified_on=None)
    Opportunity.objects.exclude(slug="unchecked").update(last_verified_on=timezone.localdate())

    summary, _stale = queue(consultant_client)

    assert summary.startswith("Open changes: 1. Unreachable or moved sources: 0. Stale records: 1.")
