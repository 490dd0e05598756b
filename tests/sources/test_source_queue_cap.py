"""The queue shows at most QUEUE_SHOWN rows in each list, and says so: "2 of 3 shown", with a link to all of them in
the admin's own list, which pages through every one."""

import re

import pytest

from programmes.models import Opportunity
from sources import admin as sources_admin
from sources.models import SourceChange, SourceWatch
from tests.factories import OpportunityFactory

QUEUE = "/admin/sources/sourcechange/queue/"


@pytest.fixture
def three_of_each(db, monkeypatch):
    """Three published records never verified and with no Japanese title, each with an unreachable source and an
    open change; the queue shows two of each list."""
    monkeypatch.setattr(sources_admin, "QUEUE_SHOWN", 2, raising=False)
    for n in range(3):
        record = OpportunityFactory(slug=f"call-{n}", title=f"Call {n}", last_verified_on=None)
        watch = SourceWatch.objects.create(source=record.sources.get(), state=SourceWatch.State.UNREACHABLE)
        SourceChange.objects.create(watch=watch, old_text="a", new_text="b", diff="-a\n+b")


def section(body: str, element_id: str) -> str:
    """The queue's list ELEMENT_ID and what follows it up to the next heading."""
    return body.split(f'id="{element_id}"')[1].split("<h2>")[0]


def test_each_list_of_the_queue_says_how_many_it_shows_of_how_many_and_links_all_of_them(
    consultant_client, three_of_each
):
    body = consultant_client.get(QUEUE).text

    links = {
        "open-changes": "/admin/sources/sourcechange/?status__exact=open",
        "unreachable": "/admin/sources/sourcewatch/?state__in=unreachable%2Credirected",
        "stale": "/admin/programmes/opportunity/?stale=yes",
        "untranslated": "/admin/programmes/opportunity/?stale=untranslated",
    }
    for element_id, link in links.items():
        part = section(body, element_id)
        assert len(re.findall(r"<(?:tr|li)><(?:td><)?a href", part)) == 2, element_id
        assert "Showing 2 of 3." in part, element_id
        assert f'<a href="{link}">See all 3</a>' in part, element_id


def test_the_links_open_lists_of_every_row(consultant_client, three_of_each):
    watches = consultant_client.get("/admin/sources/sourcewatch/?state__in=unreachable%2Credirected")
    changes = consultant_client.get("/admin/sources/sourcechange/?status__exact=open")
    records = consultant_client.get("/admin/programmes/opportunity/?stale=untranslated")

    assert watches.status_code == changes.status_code == records.status_code == 200
    assert "3 watched sources" in watches.text and "3 source changes" in changes.text
    assert "3 opportunities" in records.text
    assert Opportunity.objects.untranslated().count() == 3


def test_a_list_the_queue_shows_whole_says_nothing_more(consultant_client, three_of_each, monkeypatch):
    monkeypatch.setattr(sources_admin, "QUEUE_SHOWN", 3, raising=False)
    body = consultant_client.get(QUEUE).text
    assert "Showing" not in body and "See all" not in body


def test_the_japanese_queue_says_it_in_japanese(consultant_client, three_of_each):
    body = consultant_client.get("/ja" + QUEUE).text
    part = section(body, "stale")
    assert "3件中2件を表示しています。" in part and ">3件すべてを見る</a>" in part
