"""/my/webhooks/: a user's webhook endpoints, their latest deliveries, and adding, switching, rotating and deleting."""

import socket

import pytest
from django.utils import timezone

from alerts.models import WebhookEndpoint
from alerts.webhooks import webhook_endpoint_create, webhook_secret
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db
PAGE = "/my/webhooks/"
URL = "https://crm.example.com/kakehashi"


def _endpoint(owner, url=URL, events=("*",)) -> WebhookEndpoint:
    endpoint, _secret = webhook_endpoint_create(owner=owner, url=url, events=list(events))
    return endpoint


def _delivery(endpoint, n: int, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=f"webhook:{endpoint.pk}:{n}", channel=OutboxMessage.Channel.WEBHOOK, kind="match.created",
        user=endpoint.owner, target_id=endpoint.pk, payload={"id": n}, **fields,
    )  # fmt: skip


def test_adding_an_endpoint_shows_its_secret_once_and_the_list_never(alice, alice_client):
    response = alice_client.post(f"{PAGE}add/", {"url": URL, "events": ["match.created", "opportunity.changed"]})

    endpoint = WebhookEndpoint.objects.get(owner=alice)
    secret = webhook_secret(endpoint)
    text = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"].count("no-store") == 1
    assert secret in text and "shown only now and never again" in text
    assert endpoint.url == URL and endpoint.events == ["match.created", "opportunity.changed"]
    listing = alice_client.get(PAGE).content.decode()
    assert URL in listing and "match.created" in listing and "opportunity.changed" in listing
    assert secret not in listing and "whsec_" not in listing
    assert "whsec_" not in str(alice_client.session.items())


def test_every_event_is_one_tick_box(alice, alice_client):
    alice_client.post(f"{PAGE}add/", {"url": URL, "events": ["*"]})

    assert WebhookEndpoint.objects.get(owner=alice).events == ["*"]
    assert "<dd>Every event</dd>" in alice_client.get(PAGE).content.decode()


def test_rotating_the_secret_shows_the_new_one_once(alice, alice_client):
    endpoint = _endpoint(alice)
    old = webhook_secret(endpoint)

    response = alice_client.post(f"{PAGE}{endpoint.pk}/rotate-secret/")

    endpoint.refresh_from_db()
    new = webhook_secret(endpoint)
    assert new != old and new in response.content.decode() and old not in response.content.decode()
    assert new not in alice_client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("url", "events", "field", "message"),
    [
        ("http://crm.example.com/hook", ["*"], "url", "Webhook URLs must start with https://."),
        ("https://127.0.0.1/hook", ["*"], "url", "This address is refused"),
        (URL, [], "events", "Tick at least one event, or all events."),
    ],
)
def test_bad_input_shows_the_message_beside_the_field_and_stores_nothing(
    alice, alice_client, settings, url, events, field, message
):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    response = alice_client.post(f"{PAGE}add/", {"url": url, "events": events})

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert message in response.content.decode()
    assert "whsec_" not in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_no_event_ticked_is_said_in_the_forms_words_and_the_api_keeps_its_own(alice, alice_client):
    page = alice_client.post(f"{PAGE}add/", {"url": URL})
    api = alice_client.post("/api/v1/webhooks/", {"url": URL, "events": []}, content_type="application/json")

    assert page.context["form"].errors == {"events": ["Tick at least one event, or all events."]}
    assert "non-empty list" not in page.content.decode() and "[&quot;*&quot;]" not in page.content.decode()
    assert api.status_code == 400 and api.json() == {"events": ['Give a non-empty list of event names, or ["*"].']}
    assert not WebhookEndpoint.objects.exists()


def test_the_twenty_first_endpoint_is_refused_on_the_form(alice, alice_client):
    for n in range(20):
        _endpoint(alice, url=f"{URL}/{n}")

    response = alice_client.post(f"{PAGE}add/", {"url": f"{URL}/21", "events": ["*"]})

    assert "You have 20 webhook endpoints already; delete one." in response.context["form"].errors["url"]
    assert WebhookEndpoint.objects.filter(owner=alice).count() == 20


def test_switching_off_and_on_again_clears_the_reason_and_resumes_from_now(alice, alice_client):
    endpoint = _endpoint(alice)

    assert alice_client.post(f"{PAGE}{endpoint.pk}/switch-off/").status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason == "switched off by its owner"
    page = alice_client.get(PAGE).content.decode()
    assert "Disabled" in page and "switched off by its owner" in page and "It resumes from now" in page
    japanese = alice_client.get(f"/ja{PAGE}").content.decode()
    assert "所有者が停止しました" in japanese and "switched off by its owner" not in japanese

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        disabled_reason="10 delivery rounds failed in a row; last error: HTTP 502",
        disabled_detail={"code": "webhook.rounds_failed", "params": {"count": 10, "error": "HTTP 502"}},
        consecutive_failures=10,
    )
    ten = alice_client.get(f"/ja{PAGE}").content.decode()
    assert "配信ラウンドが10回続けて失敗し、最後のエラーは「HTTP 502" in ten
    response = alice_client.post(f"{PAGE}{endpoint.pk}/switch-on/", follow=True)

    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.disabled_at is None
    assert (endpoint.disabled_reason, endpoint.disabled_detail, endpoint.consecutive_failures) == ("", {}, 0)
    assert "those of the time it was off are not sent" in response.content.decode()


def test_deleting_removes_the_endpoint_and_cancels_what_was_waiting(alice, alice_client):
    endpoint = _endpoint(alice)
    waiting = _delivery(endpoint, 1)

    response = alice_client.post(f"{PAGE}{endpoint.pk}/delete/", follow=True)

    assert "Webhook endpoint deleted." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.CANCELLED


def test_bob_gets_404_on_every_action_and_sees_none_of_alices_endpoints(alice, alice_client, bob_client):
    endpoint = _endpoint(alice, url="https://alice-only.example/hook")
    _delivery(endpoint, 1, last_error="alice-only-error")
    salt = endpoint.salt

    for action in ("switch-off", "switch-on", "rotate-secret", "delete"):
        assert bob_client.post(f"{PAGE}{endpoint.pk}/{action}/").status_code == 404, action
    page = bob_client.get(PAGE).content.decode()

    assert "alice-only" not in page and "You have no webhook endpoints." in page
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.salt) == (True, salt)
    assert alice_client.post(f"{PAGE}{endpoint.pk}/switch-off/").status_code == 302  # the same id works for alice


def test_writes_are_post_only_and_need_sign_in(alice, anon_client, alice_client):
    endpoint = _endpoint(alice)

    assert anon_client.get(PAGE)["Location"].startswith("/accounts/login/")
    assert anon_client.post(f"{PAGE}{endpoint.pk}/delete/")["Location"].startswith("/accounts/login/")
    assert alice_client.get(f"{PAGE}{endpoint.pk}/delete/").status_code == 405
    assert alice_client.get(f"{PAGE}add/").status_code == 405
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_page_shows_each_endpoints_latest_ten_deliveries(alice, alice_client):
    endpoint = _endpoint(alice)
    other = _endpoint(alice, url=f"{URL}/other")
    now = timezone.now()
    for n in range(12):
        _delivery(endpoint, n, created_at=now, attempts=n, last_error=f"error-{n:02d}")
    _delivery(other, 99, status=OutboxMessage.Status.SENT, sent_at=now, attempts=1)

    endpoints = {row.pk: row for row in alice_client.get(PAGE).context["endpoints"]}
    page = alice_client.get(PAGE).content.decode()

    assert [row.last_error for row in endpoints[endpoint.pk].recent_deliveries] == [
        f"error-{n:02d}" for n in range(11, 1, -1)
    ]
    assert [row.key for row in endpoints[other.pk].recent_deliveries] == [f"webhook:{other.pk}:99"]
    assert "error-11" in page and "error-01" not in page and "Sent" in page


def test_the_japanese_page_has_japanese_headings(alice, alice_client):
    _endpoint(alice)

    text = alice_client.get(f"/ja{PAGE}").content.decode()

    assert "<h1>Webhook</h1>" in text  # the Japanese pages say Webhook, as the emails do
    assert "エンドポイントを追加" in text and "最近の配信" in text
    assert "Add an endpoint" not in text


def test_the_pages_link_to_each_other(alice_client):
    assert 'href="/my/webhooks/"' in alice_client.get("/my/notifications/").content.decode()
    assert 'href="/ja/my/webhooks/"' in alice_client.get("/ja/my/notifications/").content.decode()


@pytest.mark.parametrize("deliveries", [2, 20])
def test_the_page_takes_the_same_queries_for_2_or_20_deliveries(
    alice, alice_client, deliveries, django_assert_num_queries
):
    for n in range(2):
        endpoint = _endpoint(alice, url=f"{URL}/{n}")
        for d in range(deliveries):
            _delivery(endpoint, d)
    # 1 session, 2 user, 3 the user's endpoints, 4 every endpoint's latest deliveries (ranked per endpoint, at once)
    with django_assert_num_queries(4):
        response = alice_client.get(PAGE)
    assert sum(len(row.recent_deliveries) for row in response.context["endpoints"]) == 2 * min(deliveries, 10)


def test_reloading_the_page_after_adding_does_not_add_the_endpoint_twice(alice, alice_client):
    form = {"url": URL, "events": ["match.created"]}
    first = alice_client.post(f"{PAGE}add/", form)
    reloaded = alice_client.post(f"{PAGE}add/", form)  # the browser's "resend" of the same POST

    endpoint = WebhookEndpoint.objects.get(owner=alice)
    assert first.status_code == 200 and webhook_secret(endpoint) in first.content.decode()
    errors = reloaded.context["form"].errors["url"]
    assert errors == [f"You already have endpoint {endpoint.pk} for this URL."]
    assert "whsec_" not in reloaded.content.decode()


def test_a_host_with_no_address_is_said_in_words_not_the_resolvers_error_number(
    alice, alice_client, settings, monkeypatch
):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    def no_such_host(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)

    response = alice_client.post(f"{PAGE}add/", {"url": "https://hooks.nowhere.example/in", "events": ["*"]})

    assert response.context["form"].errors["url"] == [
        "hooks.nowhere.example has no address on the internet: check the host name."
    ]
    assert "Errno" not in response.text
    assert not WebhookEndpoint.objects.exists()


def test_the_api_names_every_bad_field_at_once(alice, alice_client):
    created = alice_client.post(
        "/api/v1/webhooks/", {"url": "ftp://x", "events": ["bogus"]}, content_type="application/json"
    )
    endpoint = _endpoint(alice)
    patched = alice_client.patch(
        f"/api/v1/webhooks/{endpoint.pk}/", {"url": "ftp://x", "events": ["bogus"]}, content_type="application/json"
    )

    for response in (created, patched):
        assert response.status_code == 400
        assert set(response.json()) == {"url", "events"}
    endpoint.refresh_from_db()
    assert endpoint.url == URL and endpoint.events == ["*"]


def test_a_sent_delivery_reads_sent_on_the_japanese_page(alice, alice_client):
    """It read 配信 ("delivery"), the column's own word, rather than its state."""
    _delivery(_endpoint(alice), 1, status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=1)
    assert "<td>送信済み</td>" in alice_client.get(f"/ja{PAGE}").content.decode()


def test_a_server_that_allows_http_says_so_when_it_refuses_another_scheme(alice, alice_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # a development server, where a local receiver may be plain http

    response = alice_client.post(f"{PAGE}add/", {"url": "ftp://127.0.0.1/hook", "events": ["*"]})

    assert response.context["form"].errors["url"] == [
        "Webhook URLs must start with https:// or, on this server, http://."
    ]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://example.com:99999/", "URLではありません：ポートは0から65535までの整数で指定してください。"),
        ("https://[::1/x", "URLではありません：ホストの書き方が正しくありません。"),
        ("https://[::1]/x", "このアドレスは使用できません：::1の行き先は公開されていないアドレス（::1）です。"),
        (
            "https://10.0.0.1/",
            "このアドレスは使用できません：10.0.0.1の行き先は公開されていないアドレス（10.0.0.1）です。",
        ),
    ],
)
def test_a_refused_url_is_explained_in_japanese_on_the_japanese_page(alice, alice_client, settings, url, said):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    response = alice_client.post("/ja/my/webhooks/add/", {"url": url, "events": ["*"]})

    assert response.context["form"].errors["url"] == [said]
    for english in ("Port out of range", "Invalid IPv6", "resolves to", "non-public"):
        assert english not in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_changing_the_password_switches_off_the_users_endpoints_and_says_why(alice, alice_client, bob):
    from tests.conftest import PASSWORD

    mine, bobs = _endpoint(alice), _endpoint(bob)
    waiting = _delivery(mine, 1)
    new = "a brand new passphrase 42"

    response = alice_client.post(
        "/accounts/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    bobs.refresh_from_db()
    assert not mine.active and mine.disabled_reason == "switched off when its owner's password was changed"
    assert bobs.active
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"  # whoever added an endpoint with the old password gets nothing more
    page = alice_client.get(PAGE).content.decode()
    assert "Disabled" in page and "switched off when its owner&#x27;s password was changed" in page
    assert "所有者のパスワードが変更されたため停止しました" in alice_client.get(f"/ja{PAGE}").content.decode()


@pytest.mark.parametrize(
    "prefix, said",
    [
        ("", "Your webhook endpoint was switched off: switch it back on on the webhooks page if you recognise it."),
        ("/ja", "Webhook の送信先 1 件を停止しました。心当たりのあるものは Webhook のページで再び有効にしてください。"),
    ],
)
def test_the_password_change_page_says_the_users_endpoints_were_switched_off(alice, alice_client, prefix, said):
    from tests.conftest import PASSWORD

    _endpoint(alice)
    new = "a brand new passphrase 42"

    done = alice_client.post(
        f"{prefix}/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )

    assert said in done.content.decode()


def test_a_user_who_gives_an_http_url_and_ticks_no_event_is_told_both_at_once(alice, alice_client, settings):
    """The page said only "tick an event", and the URL's problem came on the next try; the API names both at once."""
    settings.WEBHOOK_ALLOW_PRIVATE = False

    page = alice_client.post(f"{PAGE}add/", {"url": "http://crm.example.com/hook"})

    assert page.context["form"].errors == {
        "url": ["Webhook URLs must start with https://."],
        "events": ["Tick at least one event, or all events."],
    }
    assert not WebhookEndpoint.objects.exists()
