"""GET /api/v1/changes/: records, notices and the caller's own firms' matches, paged by an opaque cursor (issue 15).

transaction=True: on PostgreSQL the feed shows only events of finished transactions, so each write must commit.
"""

import time

import pytest
from django.db import connection
from django.db.models import Max

from notices.models import Notice
from portal.changes import change_record
from portal.models import ChangeEvent
from portal.tokens import token_issue
from programmes.services import opportunity_archive, opportunity_update
from tests.api.conftest import assert_golden, bearer_client
from tests.factories import CompanyFactory, MembershipFactory, OpportunityFactory

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/changes/"


def match_event(firm, record, score: float):
    return change_record(
        kind="match.created",
        subject_type="opportunity",
        subject_id=record.pk,
        company_id=firm.pk,
        data={"slug": record.slug, "title": record.title, "title_ja": "", "url": f"/opportunities/{record.slug}/",
              "company": firm.slug, "score": score, "items": [{"code": "ticked", "params": {"area": "uuv"}}]},
    )  # fmt: skip


@pytest.fixture
def feed(alice, bob, firm_a, firm_b, consultant):
    """A record changed and archived, a notice published, a match event for each of alice's and bob's firms."""
    record = OpportunityFactory(slug="uuv-call", title="UUV call", min_trl=7)
    opportunity_update(opportunity=record, data={"min_trl": 5}, by=consultant, reason="Lowered")
    notice = Notice.objects.create(slug="export-rules", title="Export rules", summary="s", dated_on="2026-04-21")
    change_record(
        kind="notice.published",
        subject_type="notice",
        subject_id=notice.pk,
        data={"slug": "export-rules", "title": "Export rules", "title_ja": "", "url": "/api/v1/notices/export-rules/",
              "countries": ["AU"], "areas": [], "opportunities": []},
    )  # fmt: skip
    match_event(firm_a, record, 71.0)
    match_event(firm_b, record, 88.0)
    opportunity_archive(opportunity=record, by=consultant, reason="Closed")
    return record


def settled(timeout: float = 180.0) -> None:
    """Wait until every event written so far is settled (PostgreSQL: no older write transaction is still open).

    The feed shows an event only once no transaction that began before it can still commit, on the whole server,
    so another process's long write (a benchmark on a shared server) holds it back for as long as that runs.
    """
    if connection.vendor != "postgresql":
        return
    newest = ChangeEvent.objects.aggregate(newest=Max("txid"))["newest"] or 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            if cursor.fetchone()[0] > newest:
                return
        time.sleep(0.2)
    raise AssertionError("events did not settle: another write transaction on the server stayed open")


def client_for(user):
    settled()
    return bearer_client(token_issue(user=user, name="feed")[1])


def test_alice_reads_records_notices_and_her_firms_matches_in_order(feed, alice):
    body = client_for(alice).get(URL).json()
    assert [(item["type"], item["object"].get("company")) for item in body["results"]] == [
        ("opportunity.changed", None),
        ("notice.published", None),
        ("match.created", "firm-a"),
        ("opportunity.archived", None),
    ]
    changed = body["results"][0]
    assert changed["object"] == {
        "type": "opportunity",
        "id": feed.pk,
        "slug": "uuv-call",
        "title": "UUV call",
        "title_ja": "",
        "url": "http://testserver/opportunities/uuv-call/",
    }
    assert changed["changed_fields"] == {"min_trl": {"old": 7, "new": 5}}
    assert body["has_more"] is False and body["next"] == body["results"][-1]["cursor"]


def test_the_feed_answer_keeps_its_shape(feed, alice):
    response = client_for(alice).get(URL)

    class Volatile:
        def json(self):
            body = response.json()
            for item in body["results"]:
                item["cursor"] = "<volatile>"
                item["object"]["id"] = "<volatile>"
            body["next"] = "<volatile>"
            return body

    assert_golden(Volatile(), "changes-list")


def test_feed_times_are_in_japan_time_and_its_addresses_absolute_like_the_rest_of_the_api(feed, alice):
    body = client_for(alice).get(URL).json()
    assert all(item["created_at"].endswith("+09:00") for item in body["results"])
    urls = {item["object"]["url"] for item in body["results"]} | {item["data"]["url"] for item in body["results"]}
    assert urls == {"http://testserver/opportunities/uuv-call/", "http://testserver/api/v1/notices/export-rules/"}


def test_an_unknown_language_is_a_400_naming_lang_as_on_the_matches(alice):
    response = client_for(alice).get(URL, {"lang": "fr"})
    assert response.status_code == 400
    assert response.json() == {"lang": ["Choose one of: en, ja."]}


def test_bob_never_sees_alices_matches(feed, bob):
    body = client_for(bob).get(URL).json()
    companies = [item["object"].get("company") for item in body["results"] if item["type"].startswith("match.")]
    assert companies == ["firm-b"]
    assert "71.0" not in str(body) and "firm-a" not in str(body)


def test_a_consultant_without_a_firm_reads_records_and_notices_only(feed, consultant):
    body = client_for(consultant).get(URL).json()
    assert [item["type"] for item in body["results"]] == [
        "opportunity.changed",
        "notice.published",
        "opportunity.archived",
    ]


def test_paging_by_cursor_neither_skips_nor_repeats_and_polling_resumes(feed, alice, consultant):
    client = client_for(alice)
    first = client.get(URL, {"limit": 2}).json()
    assert len(first["results"]) == 2 and first["has_more"] is True
    second = client.get(URL, {"since": first["next"], "limit": 2}).json()
    assert second["has_more"] is False
    seen = [item["id"] for item in first["results"] + second["results"]]
    everything = [item["id"] for item in client.get(URL).json()["results"]]
    assert seen == everything and len(set(seen)) == 4
    idle = client.get(URL, {"since": second["next"]}).json()
    assert idle == {"results": [], "next": second["next"], "has_more": False}
    later = OpportunityFactory(slug="later")
    opportunity_update(opportunity=later, data={"venue": "Tokyo"}, by=consultant, reason="")
    settled()
    fresh = client.get(URL, {"since": idle["next"]}).json()
    assert [item["type"] for item in fresh["results"]] == ["opportunity.changed"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "not-a-cursor!"}, "since"),
        ({"since": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5LjE"}, "since"),  # "99999999999999999999999.1": past a bigint
        ({"since": "OTk5OS45OTk5"}, "since"),  # "9999.9999": well formed, but no event was ever there
        ({"since": "MS4x"}, "since"),  # "1.1": a transaction id this database never gave an event
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_400_naming_it(alice, query, field):
    response = client_for(alice).get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_anonymous_callers_are_refused(anon_client):
    assert anon_client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize("count", [2, 20])
def test_a_page_costs_the_same_number_of_queries_for_2_or_20_events(alice, firm_a, count, django_assert_num_queries):
    record = OpportunityFactory(slug="counted")
    other = CompanyFactory(slug="other-firm")
    MembershipFactory(user=alice, company=other)
    for n in range(count):
        match_event(firm_a if n % 2 else other, record, 60.0 + n)
    client = client_for(alice)
    client.get(URL)  # the token's last-used stamp is written once a minute: the counted request does not write it
    # 1 the token with its user, 2 the page of events (the caller's firms are a subquery).
    with django_assert_num_queries(2):
        body = client.get(URL, {"limit": 50}).json()
    assert len(body["results"]) == count


def test_a_bad_cursor_is_explained_in_the_clients_language(alice):
    english = client_for(alice).get(URL, {"since": "not-a-cursor!"}).json()["since"]
    japanese = client_for(alice).get(URL, {"since": "not-a-cursor!", "lang": "ja"}).json()["since"]

    assert english == ["Not a cursor from this feed: use the `next` of a page, or leave it out."]
    assert japanese == ["このフィードのカーソルではありません。ページの `next` を使うか、指定しないでください。"]


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_a_bad_limit_says_what_to_give_in_the_words_page_size_uses(alice, limit):
    english = client_for(alice).get(URL, {"limit": limit}).json()
    japanese = client_for(alice).get(URL, {"limit": limit, "lang": "ja"}).json()

    assert english == {"limit": ["Give a whole number from 1 to 200."]}
    assert japanese == {"limit": ["1 から 200 までの整数を指定してください。"]}
