"""POST/GET/DELETE /api/v1/webhooks/ and the delivery log: the secret once, clear 400s, only the owner's own."""

import datetime
import time

import pytest
from django.utils import timezone

from alerts.models import WebhookEndpoint
from alerts.webhook_delivery import webhooks_deliver
from alerts.webhooks import RESOLVE_TIMEOUT_SECONDS, webhook_endpoint_create, webhook_secret, webhook_url_key
from portal.models import OutboxMessage
from tests.alerts.conftest import fan_out, record_event
from tests.api.test_error_responses import assert_documented
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/v1/webhooks/"


def _when(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def _create(client, url, events=("*",)):
    return client.post(API, {"url": url, "events": list(events)}, content_type="application/json")


def test_creating_an_endpoint_shows_its_secret_once(alice, alice_client, receiver):
    response = _create(alice_client, receiver.url(), ["match.created", "opportunity.changed"])

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]  # no cache on the way may keep the secret
    body = response.json()
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert body["secret"].startswith("whsec_") and body["secret"] == webhook_secret(endpoint)
    assert body["events"] == ["match.created", "opportunity.changed"] and body["active"] is True
    assert endpoint.owner == alice
    stored = [str(value) for value in WebhookEndpoint.objects.filter(pk=endpoint.pk).values().get().values()]
    assert not any(body["secret"] in value or body["secret"][6:] in value for value in stored)
    listed = alice_client.get(API).json()["results"]
    assert [row["id"] for row in listed] == [endpoint.pk] and "secret" not in listed[0]
    assert "secret" not in alice_client.get(f"{API}{endpoint.pk}/").json()


def test_unknown_event_names_are_a_400_naming_events(alice_client, receiver):
    response = _create(alice_client, receiver.url(), ["match.created", "match.exploded"])

    assert response.status_code == 400
    assert set(response.json()) == {"events"} and "match.exploded" in str(response.json()["events"])
    assert _create(alice_client, receiver.url(), []).status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_http_and_private_addresses_are_refused_without_the_allow_setting(alice_client, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in (
        receiver.url(),  # http
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "ftp://example.org/hook",
    ):
        response = _create(alice_client, url)
        assert response.status_code == 400, url
        assert set(response.json()) == {"url"}, url
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "leads_to"),
    [
        ("https://[64:ff9b::a00:5]/hook", "10.0.0.5 behind a NAT64 gateway"),
        ("https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "169.254.169.254 behind a NAT64 gateway"),
        ("https://[64:ff9b:1::a00:5]/hook", "a private network's local-use NAT64 prefix"),
        ("https://[2002:7f00:1::1]/hook", "127.0.0.1 through 6to4"),
        ("https://[::127.0.0.1]/hook", "127.0.0.1 as a deprecated IPv4-compatible address"),
    ],
)
def test_an_ipv6_address_that_leads_to_a_private_ipv4_one_is_refused(alice_client, settings, url, leads_to):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    response = _create(alice_client, url)

    assert response.status_code == 400, leads_to
    assert set(response.json()) == {"url"} and "non-public address" in response.json()["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_host_that_does_not_resolve_is_refused_quickly(alice_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    started = time.monotonic()

    response = _create(alice_client, "https://no-such-host.invalid/hook")

    assert response.status_code == 400 and set(response.json()) == {"url"}
    assert time.monotonic() - started < RESOLVE_TIMEOUT_SECONDS + 1


def test_anonymous_callers_cannot_create_or_list(anon_client, receiver):
    assert _create(anon_client, receiver.url()).status_code in (401, 403)
    assert anon_client.get(API).status_code in (401, 403)
    assert not WebhookEndpoint.objects.exists()


def test_deleting_an_endpoint_cancels_what_it_had_not_received(alice, alice_client, receiver):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    record_event()
    fan_out()

    assert alice_client.delete(f"{API}{endpoint.pk}/").status_code == 204
    webhooks_deliver()

    assert receiver.hits == []
    assert list(OutboxMessage.objects.values_list("status", flat=True)) == ["cancelled"]
    assert alice_client.get(f"{API}{endpoint.pk}/").status_code == 404


def test_rotating_the_secret_signs_the_next_deliveries_with_the_new_one(alice, alice_client, receiver):
    endpoint, old = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])

    response = alice_client.post(f"{API}{endpoint.pk}/rotate-secret/")
    new = response.json()["secret"]
    receiver.secrets["/hook"] = new
    record_event()
    fan_out()
    webhooks_deliver()

    assert response.status_code == 200 and new != old and "no-store" in response["Cache-Control"]
    assert [hit.signed for hit in receiver.hits] == [True]


def test_the_delivery_log_shows_each_attempt_and_a_replay_sends_again(alice, alice_client, receiver):
    endpoint, receiver.secrets["/hook"] = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    receiver.answers["/hook"] = [500]
    event = record_event()
    fan_out()
    webhooks_deliver()

    log = alice_client.get(f"{API}{endpoint.pk}/deliveries/").json()["results"]
    assert len(log) == 1
    row = log[0]
    assert (row["event_id"], row["type"], row["status"], row["attempts"]) == (
        event.pk,
        "opportunity.published",
        "pending",
        1,
    )
    assert row["idempotency_key"] == f"webhook:{endpoint.pk}:{event.pk}" and row["last_error"] == "HTTP 500"
    assert [(a["ok"], a["status_code"]) for a in row["attempt_log"]] == [(False, 500)]

    replay = alice_client.post(f"{API}{endpoint.pk}/deliveries/{row['id']}/replay/")
    assert replay.status_code == 202
    # Sent now: the replay asks the sender at once (run here by the test settings' eager Celery), with no waiting
    # for the back-off or the beat's next minute.
    assert [hit.status for hit in receiver.hits] == [500, 200]
    webhooks_deliver()  # and a run of the sender afterwards sends nothing twice
    assert [hit.status for hit in receiver.hits] == [500, 200]
    row = alice_client.get(f"{API}{endpoint.pk}/deliveries/").json()["results"][0]
    assert row["status"] == "sent" and [a["status_code"] for a in row["attempt_log"]] == [200, 500]


def a_failed_delivery(alice, receiver):
    """An endpoint of alice's whose receiver answered 500 to the one event delivered: (endpoint, delivery)."""
    endpoint, receiver.secrets["/hook"] = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    receiver.answers["/hook"] = [500]
    record_event()
    fan_out()
    webhooks_deliver()
    return endpoint, OutboxMessage.objects.get()


def test_a_replay_the_sender_delivered_at_once_answers_sent_with_its_own_attempt(alice, alice_client, receiver):
    endpoint, delivery = a_failed_delivery(alice, receiver)

    replay = alice_client.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/")

    assert replay.status_code == 202
    body = replay.json()
    assert [hit.status for hit in receiver.hits] == [500, 200]  # sent within the request (eager Celery)
    assert (body["status"], body["attempts"], body["last_error"]) == ("sent", 2, "")
    assert body["sent_at"] is not None
    assert [a["status_code"] for a in body["attempt_log"]] == [200, 500]
    assert body["replay"]["status"] == "sent" and body["replay"]["sent_at"] == body["sent_at"]
    assert [(a["ok"], a["status_code"]) for a in body["replay"]["attempt_log"]] == [(True, 200)]
    assert _when(body["replay"]["queued_at"]) <= _when(body["replay"]["attempt_log"][0]["started_at"])


def test_replaying_a_sent_delivery_with_the_queue_down_says_the_replay_waits_apart_from_the_first_send(
    alice, alice_client, receiver
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    endpoint, receiver.secrets["/hook"] = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    record_event()
    fan_out()
    webhooks_deliver()
    delivery = OutboxMessage.objects.get()
    first_sent = alice_client.get(f"{API}{endpoint.pk}/deliveries/").json()["results"][0]["sent_at"]

    with mock.patch("alerts.tasks.deliver_webhooks.delay", side_effect=OperationalError("redis is down")):
        replay = alice_client.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/")

    assert replay.status_code == 202
    body = replay.json()
    assert (body["status"], body["sent_at"]) == ("pending", first_sent)  # the row waits; it was sent before
    assert {key: body["replay"][key] for key in ("status", "sent_at", "attempt_log")} == {
        "status": "pending",
        "sent_at": None,
        "attempt_log": [],
    }
    assert _when(body["replay"]["queued_at"]) > _when(first_sent)


def test_a_member_taken_off_a_firm_cannot_replay_its_match_events(alice, alice_client, firm_a, receiver):
    from companies.services import membership_remove

    endpoint, receiver.secrets["/hook"] = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    record_event("match.created", subject_id=1, company_id=firm_a.pk, score=83.17)
    public = record_event("opportunity.published", subject_id=2)
    fan_out()
    webhooks_deliver()
    firms, news = OutboxMessage.objects.order_by("pk")
    membership_remove(membership=alice.memberships.get(company=firm_a))

    refused = alice_client.post(f"{API}{endpoint.pk}/deliveries/{firms.pk}/replay/")
    replayed = alice_client.post(f"{API}{endpoint.pk}/deliveries/{news.pk}/replay/")

    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "This delivery is about a firm you no longer belong to; it cannot be sent again."
    }
    assert replayed.status_code == 202
    hits = [hit.json["id"] for hit in receiver.accepted()]
    assert sorted(hits[:2]) == sorted([firms.payload["id"], public.pk])  # the first round, sent side by side
    assert hits[2:] == [public.pk]  # only the public record's event was sent again


def test_a_disabled_endpoints_deliveries_cannot_be_replayed(alice, alice_client, receiver):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    record_event()
    fan_out()
    delivery = OutboxMessage.objects.get()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_at=timezone.now())

    response = alice_client.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/")

    assert response.status_code == 400
    # The shared error shape: `detail` is one sentence, as the schema's Error says, never a list.
    assert response.json() == {"detail": "This endpoint is disabled; deliveries to it cannot be replayed."}
    schema = alice_client.get("/api/v1/schema/?format=json").json()
    assert_documented(schema, response, "/webhooks/{webhook_id}/deliveries/{delivery_id}/replay/", "post")


def test_bob_and_the_consultant_get_404_for_alices_endpoint_and_deliveries(
    alice, bob_client, consultant_client, receiver
):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    record_event()
    fan_out()
    delivery = OutboxMessage.objects.get()

    for client in (bob_client, consultant_client):
        assert client.get(API).json()["results"] == []
        assert client.get(f"{API}{endpoint.pk}/").status_code == 404
        assert client.get(f"{API}{endpoint.pk}/deliveries/").status_code == 404
        assert client.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/").status_code == 404
        assert client.post(f"{API}{endpoint.pk}/rotate-secret/").status_code == 404
        assert client.delete(f"{API}{endpoint.pk}/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).exists()


def test_bob_cannot_replay_alices_delivery_through_his_own_endpoint(alice, bob, bob_client, receiver):
    _alices, _secret = webhook_endpoint_create(owner=alice, url=receiver.url("/a"), events=["*"])
    bobs, _secret = webhook_endpoint_create(owner=bob, url=receiver.url("/b"), events=["*"])
    record_event()
    fan_out()
    alices_delivery = OutboxMessage.objects.get(target_id=_alices.pk)

    response = bob_client.post(f"{API}{bobs.pk}/deliveries/{alices_delivery.pk}/replay/")

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [2, 20])
def test_the_delivery_log_costs_the_same_queries_for_2_or_20_deliveries(
    alice, alice_client, receiver, django_assert_num_queries, rows
):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    for n in range(rows):
        record_event(subject_id=n + 1)
    fan_out()
    webhooks_deliver()
    # 1 session, 2 user, 3 the endpoint among alice's, 4 count, 5 page of deliveries, 6 their attempts (prefetch).
    with django_assert_num_queries(6):
        response = alice_client.get(f"{API}{endpoint.pk}/deliveries/")
    assert response.status_code == 200 and len(response.json()["results"]) == rows


def test_a_user_has_at_most_twenty_endpoints(alice_client, receiver):
    user = UserFactory(username="many")
    for n in range(20):
        webhook_endpoint_create(owner=user, url=receiver.url(f"/{n}"), events=["*"])

    assert WebhookEndpoint.objects.filter(owner=user).count() == 20
    with pytest.raises(Exception, match="20 webhook endpoints"):
        webhook_endpoint_create(owner=user, url=receiver.url("/21"), events=["*"])


def test_the_endpoint_list_and_delivery_log_keep_their_shape(alice, alice_client):
    from tests.api.conftest import assert_golden

    endpoint, _secret = webhook_endpoint_create(
        owner=alice, url="https://hooks.example.com/kakehashi", events=["match.created", "opportunity.changed"]
    )
    at = timezone.make_aware(timezone.datetime(2026, 12, 2, 9, 0))
    delivery = OutboxMessage.objects.create(
        key="webhook:1:4182", channel="webhook", kind="opportunity.changed", user=alice, target_id=endpoint.pk,
        payload={"id": 4182, "type": "opportunity.changed"}, status="pending", attempts=1, next_attempt_at=at,
        last_error="HTTP 500",
    )  # fmt: skip
    delivery.log.create(ok=False, status_code=500, error="HTTP 500", duration_ms=12)

    assert_golden(alice_client.get(API), "webhooks-list")
    assert_golden(alice_client.get(f"{API}{endpoint.pk}/deliveries/"), "webhooks-deliveries-list")


def _patch(client, endpoint, body):
    return client.patch(f"{API}{endpoint.pk}/", body, content_type="application/json")


def test_a_disabled_endpoint_switched_on_again_receives_what_happens_from_then_on(alice, alice_client, receiver):
    endpoint, receiver.secrets["/hook"] = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=False, disabled_at=timezone.now(), disabled_reason="10 rounds failed", consecutive_failures=10
    )
    record_event(subject_id=1)  # while it was off
    fan_out()

    response = _patch(alice_client, endpoint, {"active": True})
    record_event(subject_id=2)
    fan_out()
    webhooks_deliver()

    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True and body["disabled_at"] is None and body["disabled_reason"] == ""
    assert body["consecutive_failures"] == 0
    assert [hit.json["object"]["id"] for hit in receiver.accepted()] == [2]
    assert all(hit.signed for hit in receiver.hits)


def test_switching_an_endpoint_off_cancels_what_it_had_not_received(alice, alice_client, receiver):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    record_event()
    fan_out()

    response = _patch(alice_client, endpoint, {"active": False})
    record_event(subject_id=2)
    fan_out()
    webhooks_deliver()

    assert response.status_code == 200 and response.json()["active"] is False
    assert "owner" in response.json()["disabled_reason"]
    assert response.json()["disabled_reason_detail"] == {
        "code": "webhook.switched_off", "params": {}, "text": "switched off by its owner"
    }  # fmt: skip
    japanese = alice_client.get(f"{API}{endpoint.pk}/", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert japanese["disabled_reason"] == "switched off by its owner"  # English, as before
    assert japanese["disabled_reason_detail"]["text"] == "所有者が停止しました"
    assert receiver.hits == []
    assert list(OutboxMessage.objects.values_list("status", flat=True)) == ["cancelled"]


def test_changing_the_url_and_events_sends_the_next_events_there(alice, alice_client, receiver):
    endpoint, secret = webhook_endpoint_create(owner=alice, url=receiver.url("/old"), events=["match.created"])
    receiver.secrets["/new"] = secret

    response = _patch(alice_client, endpoint, {"url": receiver.url("/new"), "events": ["opportunity.published"]})
    record_event("opportunity.published")
    fan_out()
    webhooks_deliver()

    assert response.status_code == 200
    assert response.json()["url"] == receiver.url("/new") and response.json()["events"] == ["opportunity.published"]
    assert [hit.path for hit in receiver.accepted("/new")] == ["/new"] and receiver.accepted("/old") == []


def test_a_bad_change_is_a_400_naming_the_field_and_changes_nothing(alice, alice_client, receiver, settings):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    settings.WEBHOOK_ALLOW_PRIVATE = False

    unknown = _patch(alice_client, endpoint, {"events": ["match.exploded"]})
    private = _patch(alice_client, endpoint, {"url": "https://10.1.2.3/hook", "events": ["match.created"]})
    not_a_flag = _patch(alice_client, endpoint, {"active": "sometimes"})

    assert unknown.status_code == 400 and set(unknown.json()) == {"events"}
    assert private.status_code == 400 and set(private.json()) == {"url"}
    assert not_a_flag.status_code == 400 and set(not_a_flag.json()) == {"active"}
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.active) == (receiver.url(), ["*"], True)


def test_bob_and_the_consultant_cannot_change_alices_endpoint(alice, bob_client, consultant_client, receiver):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])

    for client in (bob_client, consultant_client):
        assert _patch(client, endpoint, {"active": False, "url": receiver.url("/theirs")}).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.url == receiver.url()


def test_a_second_endpoint_for_the_same_url_is_a_400_naming_url(alice, bob, alice_client, receiver):
    first = _create(alice_client, receiver.url("/hook"))
    again = _create(alice_client, receiver.url("/hook"), events=("opportunity.changed",))
    other = _create(alice_client, receiver.url("/other"))

    assert first.status_code == 201 and other.status_code == 201
    assert again.status_code == 400 and set(again.json()) == {"url"}
    assert f"endpoint {first.json()['id']}" in again.json()["url"][0]
    assert WebhookEndpoint.objects.filter(owner=alice).count() == 2
    # Another user may point at the same receiver: the rule is per owner.
    webhook_endpoint_create(owner=bob, url=receiver.url("/hook"), events=["*"])
    # Moving an endpoint onto another one's URL is refused too, and changes nothing.
    moved = _patch(alice_client, WebhookEndpoint.objects.get(pk=other.json()["id"]), {"url": receiver.url("/hook")})
    assert moved.status_code == 400 and set(moved.json()) == {"url"}
    assert WebhookEndpoint.objects.get(pk=other.json()["id"]).url == receiver.url("/other")


def test_the_same_receiver_written_another_way_is_the_same_url(alice_client, receiver):
    first = _create(alice_client, receiver.url("/hook"))
    # Upper-case scheme and a fragment: the receiver gets the same request, so it is the same endpoint.
    again = _create(alice_client, receiver.url("/hook").replace("http://", "HTTP://", 1) + "#top")
    other_path = _create(alice_client, receiver.url("/Hook"))  # a path's case may matter to the server

    assert first.status_code == 201 and other_path.status_code == 201
    assert again.status_code == 400 and f"endpoint {first.json()['id']}" in again.json()["url"][0]


def test_endpoints_that_shared_a_receiver_before_the_rule_can_still_be_edited(alice, alice_client, receiver):
    """Two endpoints made before the rule (or before it read URLs this way) may share a receiver: sending one's
    URL back with new events is not a move, so it is not refused."""
    first, _secret = webhook_endpoint_create(owner=alice, url=receiver.url("/hook"), events=["*"])
    older = WebhookEndpoint.objects.create(owner=alice, url=receiver.url("/hook") + "#old", events=["*"], position=0)

    kept = _patch(alice_client, older, {"url": older.url, "events": ["match.created"]})
    moved = _patch(alice_client, older, {"url": receiver.url("/hook").replace("http://", "HTTP://", 1)})

    assert kept.status_code == 200 and kept.json()["events"] == ["match.created"]
    assert moved.status_code == 200  # still the same receiver as its own URL: not a move either
    assert WebhookEndpoint.objects.filter(owner=alice).count() == 2 and first.pk != older.pk


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("HTTPS://Hooks.Example.COM:443", "https://hooks.example.com/"),
        ("https://hooks.example.com/in?a=1#frag", "https://hooks.example.com/in?a=1"),
        ("http://hooks.example.com:80/in", "http://hooks.example.com/in"),
        ("https://[2001:DB8::1]:443/in", "https://[2001:db8::1]/in"),
    ],
)
def test_webhook_url_key_reads_urls_as_the_receiver_gets_them(written, same_as):
    assert webhook_url_key(written) == webhook_url_key(same_as)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://hooks.example.com/in", "https://hooks.example.com/IN"),
        ("https://hooks.example.com:8443/in", "https://hooks.example.com/in"),
        ("http://hooks.example.com/in", "https://hooks.example.com/in"),
        ("https://hooks.example.com/in?a=1", "https://hooks.example.com/in?a=2"),
    ],
)
def test_webhook_url_key_keeps_different_receivers_apart(one, other):
    assert webhook_url_key(one) != webhook_url_key(other)


def test_endpoints_disabled_automatically_before_the_items_read_in_japanese_after_the_migration(alice, alice_client):
    """alerts 0004 reads the English sentences written before endpoints kept an item back into items."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("alerts.migrations.0004_webhook_disabled_detail_automatic")
    old = {
        "day": "a delivery failed for 24 hours; last error: HTTP 502; retry; later",
        "rounds": "10 rounds failed; last error: timed out",
        "other": "disabled by hand in the shell",
    }
    made = {
        key: WebhookEndpoint.objects.create(
            owner=alice,
            url=f"https://hooks.example/{key}",
            events=["*"],
            position=n,
            active=False,
            disabled_at=timezone.now(),
            disabled_reason=reason,
        )
        for n, (key, reason) in enumerate(old.items())
    }

    migration.automatic_reasons_as_items(apps, None)

    def read(key: str) -> dict:
        return alice_client.get(f"{API}{made[key].pk}/", HTTP_ACCEPT_LANGUAGE="ja").json()

    day, rounds, other = read("day"), read("rounds"), read("other")
    assert day["disabled_reason_detail"]["code"] == "webhook.failed_for_a_day"
    assert day["disabled_reason_detail"]["params"] == {"error": "HTTP 502; retry; later"}
    assert rounds["disabled_reason_detail"]["params"] == {"count": 10, "error": "timed out"}
    assert day["disabled_reason"] == old["day"]  # the English field is kept as it was
    assert day["disabled_reason_detail"]["text"] == "配信が24時間失敗し続け、最後のエラーは「HTTP 502; retry; later」"
    assert rounds["disabled_reason_detail"]["text"] == "配信ラウンドが10回続けて失敗し、最後のエラーは「timed out」"
    assert other["disabled_reason_detail"] == {"code": "text", "params": {}, "text": old["other"]}  # shown as it is


def test_replaying_a_delivery_the_endpoint_never_had_is_a_404_in_plain_words(alice, alice_client, receiver):
    endpoint, _secret = webhook_endpoint_create(owner=alice, url=receiver.url(), events=["*"])
    response = alice_client.post(f"{API}{endpoint.pk}/deliveries/999999/replay/")
    assert response.status_code == 404
    assert response.json() == {"detail": "This endpoint has no delivery 999999."}
    japanese = alice_client.post(f"{API}{endpoint.pk}/deliveries/999999/replay/?lang=ja")
    assert japanese.json() == {"detail": "このエンドポイントには配信 999999 がありません。"}


def test_a_replay_with_the_queue_down_is_still_accepted_and_waits_for_the_sender(alice, alice_client, receiver):
    from unittest import mock

    from kombu.exceptions import OperationalError

    endpoint, delivery = a_failed_delivery(alice, receiver)
    with mock.patch("alerts.tasks.deliver_webhooks.delay", side_effect=OperationalError("redis is down")):
        response = alice_client.post(f"{API}{endpoint.pk}/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 202
    assert OutboxMessage.objects.get().status == "pending"
    webhooks_deliver()  # the beat's next run
    assert [hit.status for hit in receiver.hits] == [500, 200]


def test_a_url_of_another_scheme_is_refused_for_not_being_https_on_the_api_and_the_page(alice, alice_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # made without a DNS look-up; refused below as a production server does
    endpoint, _secret = webhook_endpoint_create(owner=alice, url="https://crm.example.com/hook", events=["*"])
    settings.WEBHOOK_ALLOW_PRIVATE = False

    patched = _patch(alice_client, endpoint, {"url": "ftp://x"})
    created = _create(alice_client, "ftp://x")
    page = alice_client.post("/my/webhooks/add/", {"url": "ftp://x", "events": ["*"]})

    assert (patched.status_code, created.status_code) == (400, 400)
    assert patched.json() == created.json() == {"url": ["Webhook URLs must start with https://."]}
    assert page.context["form"].errors["url"] == ["Webhook URLs must start with https://."]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://crm.example.com/hook"
