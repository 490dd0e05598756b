"""Webhook endpoints (issue 15): create, delete, rotate the secret, and fan change events out to the outbox.

An endpoint's signing secret is never stored. It is `HMAC-SHA256(SECRET_KEY, "webhook:<id>:<salt>")`, computed when
the endpoint is created (shown once) and at each delivery, so the database alone never holds it (DESIGN.md wants
secrets hashed at rest; signing needs the raw key, so it is derived instead). Rotating the secret is a new salt;
changing SECRET_KEY changes every endpoint's secret.

The fan-out reads the change-event log after each endpoint's stored position (`portal.changes.changes_after`, which
never skips a late commit) and puts one outbox row per event the endpoint subscribes to and its owner may see, keyed
`webhook:<endpoint id>:<event id>`, advancing the position in the same transaction. Delivery is in
`alerts.webhook_delivery`.
"""

import hashlib
import hmac
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts.emails import site_url
from alerts.feed import change_events_visible_to, change_item_json
from alerts.models import WebhookEndpoint, new_salt
from matching.messages import render
from portal import http
from portal.changes import changes_after, cursor_encode, settled_filter
from portal.models import ChangeEvent, OutboxMessage, OutboxMessageQuerySet
from portal.outbox import DEFAULT_LIFETIME, outbox_key, outbox_put_many

# The event names of the change-event contract (docs/alerts.md); "*" subscribes to all of them, and to later ones.
EVENT_TYPES = (
    "opportunity.published",
    "opportunity.changed",
    "opportunity.archived",
    "source.reviewed",
    "notice.published",
    "match.created",
    "match.moved",
)
MAX_ENDPOINTS_PER_USER = 20
# A host name that does not resolve within this many seconds is refused at creation, so a request never hangs.
RESOLVE_TIMEOUT_SECONDS = 3
FAN_OUT_PAGE = 1000

_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-resolve")


def webhook_secret(endpoint: WebhookEndpoint) -> str:
    """ENDPOINT's signing secret, derived from SECRET_KEY, its id and its salt (never stored)."""
    message = f"webhook:{endpoint.pk}:{endpoint.salt}".encode()
    return "whsec_" + hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Kakehashi-Signature` header: `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_events_check(events: Any) -> list[str]:
    """EVENTS as a clean list of known event names (or ["*"]); ValidationError naming `events` otherwise."""
    if not isinstance(events, list) or not events or not all(isinstance(name, str) for name in events):
        raise ValidationError({"events": _('Give a non-empty list of event names, or ["*"].')})
    unknown = sorted(set(events) - {*EVENT_TYPES, "*"})
    if unknown:
        why = _("Unknown event names: %(unknown)s. Known: %(known)s, or *.")
        raise ValidationError({"events": why % {"unknown": ", ".join(unknown), "known": ", ".join(EVENT_TYPES)}})
    return ["*"] if "*" in events else sorted(set(events))


def webhook_url_shape_check(url: str) -> str:
    """The URL's host; ValidationError naming `url` for a URL that is not https (http only with
    WEBHOOK_ALLOW_PRIVATE) or names no host. No DNS: webhook_url_check adds that."""
    # urllib's own words ("Port out of range 0-65535", "Invalid IPv6 URL") are English: each case gets ours.
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError as error:
        raise ValidationError({"url": _("This is not a URL: the host is not written correctly.")}) from error
    try:
        parts.port  # noqa: B018 (reading it is the check)
    except ValueError as error:
        raise ValidationError(
            {"url": _("This is not a URL: the port must be a whole number from 0 to 65535.")}
        ) from error
    if parts.scheme != "https" and not (settings.WEBHOOK_ALLOW_PRIVATE and parts.scheme == "http"):
        if settings.WEBHOOK_ALLOW_PRIVATE:  # a development server: say what it takes
            raise ValidationError({"url": _("Webhook URLs must start with https:// or, on this server, http://.")})
        raise ValidationError({"url": _("Webhook URLs must start with https://.")})
    if not hostname:
        raise ValidationError({"url": _("The URL names no host.")})
    return hostname


def webhook_problems_check(endpoint: WebhookEndpoint, *, url: str | None, events: Any) -> list[str] | None:
    """Every problem of a new URL and event list at once (not only the first): ValidationError naming each field.

    Returns the clean event list (None when EVENTS is None). The DNS check is not part of it: it may wait, and a
    URL of the wrong shape never reaches it.
    """
    errors: dict[str, Any] = {}
    checked = None
    if events is not None:
        try:
            checked = webhook_events_check(events)
        except ValidationError as error:
            error.update_error_dict(errors)
    if url is not None:
        try:
            # The scheme first: "ftp://x" is refused for not being https, as the page explains, before the model's
            # generic "Enter a valid URL." could answer for it.
            webhook_url_shape_check(url)
            endpoint.full_clean(exclude=["position", "events"])
        except ValidationError as error:
            error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return checked


def webhook_url_check(url: str) -> None:
    """Refuse a URL that is not https (http only with WEBHOOK_ALLOW_PRIVATE) or whose host is not public."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE
    hostname = webhook_url_shape_check(url)
    if allow_private:
        return  # development and tests: any host, resolved only when a delivery connects
    check = _resolver.submit(http.check_address, url, allow_private=allow_private)
    try:
        check.result(timeout=RESOLVE_TIMEOUT_SECONDS)
    except (ValueError, UnicodeError) as error:
        why = _("This address cannot be resolved: %(host)s is not a valid host name.") % {"host": hostname}
        raise ValidationError({"url": why}) from error
    except FutureTimeout as error:
        limit = {"host": hostname, "seconds": RESOLVE_TIMEOUT_SECONDS}
        why = _("%(host)s did not resolve within %(seconds)s s.") % limit
        raise ValidationError({"url": why}) from error
    except http.FetchError as error:
        if error.kind == "dns":  # the resolver's own words ("[Errno -2] Name or service not known") mean nothing here
            why = _("%(host)s has no address on the internet: check the host name.") % {"host": hostname}
            raise ValidationError({"url": why}) from error
        if error.address:
            words = _("This address is refused: %(host)s leads to a non-public address (%(address)s).")
            raise ValidationError({"url": words % {"host": hostname, "address": error.address}}) from error
        raise ValidationError(
            {"url": _("This address is refused: webhooks go to public internet hosts only.")}
        ) from error


def disabled_reason_english(detail: dict[str, Any]) -> str:
    """The API's `disabled_reason`: DETAIL (an explanation item) in English, whatever language is active."""
    with translation.override("en"):
        return render(detail)[:300]


DEFAULT_PORTS = {"http": 80, "https": 443}


def webhook_url_key(url: str) -> str:
    """URL as the receiver gets it, for telling two endpoints' URLs apart.

    The scheme and host are put in lower case, a default port is dropped, an empty path becomes "/", and the
    fragment is dropped, because a client never sends it. So "HTTPS://Hooks.Example.com:443#x" and
    "https://hooks.example.com/" are the same receiver. The path and query keep their case, since a server may
    tell them apart.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # not a port number: the URL field's own check reports it; compare as written
        return url.strip()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _url_free(*, owner: User, url: str, other_than: int | None = None) -> None:
    """One endpoint per URL and owner: a second would sign and send every event twice to the same receiver.

    It also keeps a reloaded add form (the page answers the POST itself, to show the secret once) from adding the
    same endpoint again. Callers check it once early (a clear 400 before the DNS check) and again inside their
    transaction with the owner's row locked (_owner_lock), so two requests at once cannot both pass.
    """
    mine = WebhookEndpoint.objects.filter(owner=owner).exclude(pk=other_than).order_by("pk").values_list("pk", "url")
    wanted = webhook_url_key(url)
    # An owner has at most MAX_ENDPOINTS_PER_USER endpoints, so comparing them here costs little.
    taken = next((pk for pk, other in mine if webhook_url_key(other) == wanted), None)
    if taken is not None:
        why = _("You already have endpoint %(id)s for this URL.") % {"id": taken}
        raise ValidationError({"url": why})


def _owner_lock(owner: User) -> None:
    """Serialise one owner's endpoint writes (the per-URL and per-owner rules are checked under it)."""
    list(User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True))


def _room_for_one_more(*, owner: User, url: str) -> None:
    """The rules for a new endpoint of OWNER's: one per URL, at most MAX_ENDPOINTS_PER_USER."""
    _url_free(owner=owner, url=url)
    if WebhookEndpoint.objects.filter(owner=owner).count() >= MAX_ENDPOINTS_PER_USER:
        why = _("You have %(count)s webhook endpoints already; delete one.") % {"count": MAX_ENDPOINTS_PER_USER}
        raise ValidationError({"url": why})


def webhook_endpoint_create(*, owner: User, url: str, events: Any) -> tuple[WebhookEndpoint, str]:
    """A new endpoint of OWNER's receiving EVENTS from now on; returns it and its secret (shown this once).

    The rules are checked before the DNS check, for a quick answer, and again with the owner locked, for two
    requests at once (a double-clicked form).
    """
    endpoint = WebhookEndpoint(owner=owner, url=url)
    endpoint.events = webhook_problems_check(endpoint, url=url, events=events)
    _room_for_one_more(owner=owner, url=url)
    webhook_url_check(url)  # outside the transaction: it may wait for DNS
    with transaction.atomic():
        _owner_lock(owner)
        _room_for_one_more(owner=owner, url=url)
        endpoint.position = _feed_end()
        endpoint.save()
    return endpoint, webhook_secret(endpoint)


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str | None = None, events: Any = None, active: bool | None = None
) -> WebhookEndpoint:
    """Change ENDPOINT's URL or events, or switch it off and on again (None leaves a field as it is).

    Switching it off (by its owner) cancels its deliveries not yet sent, as auto-disable does. Switching a disabled
    endpoint on clears the failure count and the reason and receives what happens from now on: the events of the
    time it was off are in the change feed (GET /api/v1/changes/), not sent late. A new URL starts a clean failure
    count too. The decision is taken on the row locked, so the sender's fan-out and auto-disable, which lock it too,
    are either wholly before or wholly after it.
    """
    new_url = url if url is not None and url != endpoint.url else None
    # Only a move to another receiver is checked against the owner's other endpoints: sending the same URL back
    # with new events must work even for endpoints that shared a receiver before the rule existed.
    moving = url is not None and webhook_url_key(url) != webhook_url_key(endpoint.url)
    if new_url is not None:
        endpoint.url = new_url
    checked_events = webhook_problems_check(endpoint, url=new_url, events=events)
    if url is not None and new_url is not None:
        if moving:
            _url_free(owner=endpoint.owner, url=url, other_than=endpoint.pk)
        webhook_url_check(url)  # outside the transaction: it may wait for DNS
    with transaction.atomic():
        if url is not None and moving:
            _owner_lock(endpoint.owner)
            _url_free(owner=endpoint.owner, url=url, other_than=endpoint.pk)
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changed: set[str] = set()
        if checked_events is not None:
            current.events = checked_events
            changed.add("events")
        if url is not None and url != current.url:
            current.url, current.consecutive_failures = url, 0
            changed |= {"url", "consecutive_failures"}
        switched_off = active is False and current.active
        if switched_off:
            current.active, current.disabled_at = False, timezone.now()
            current.disabled_detail = {"code": "webhook.switched_off", "params": {}}
            current.disabled_reason = disabled_reason_english(current.disabled_detail)
            changed |= {"active", "disabled_at", "disabled_reason", "disabled_detail"}
        elif active is True and not current.active:
            current.active, current.disabled_at, current.disabled_reason = True, None, ""
            current.disabled_detail = {}
            current.consecutive_failures = 0
            current.position = _feed_end()
            changed |= {
                "active",
                "disabled_at",
                "disabled_reason",
                "disabled_detail",
                "consecutive_failures",
                "position",
            }
        if changed:
            current.save(update_fields=sorted(changed))
        if switched_off:
            webhook_deliveries_cancel(current.pk)  # after the row's update: no fan-out can add to it any more
    return current


def webhook_endpoints_switched_off_note(user: User) -> str | None:
    """The password-change hook (portal.services.PASSWORD_CHANGE_HOOKS): switch off USER's endpoints and say so."""
    switched = webhook_endpoints_switch_off_after_password_change(user)
    if not switched:
        return None
    return ngettext(
        "Your webhook endpoint was switched off: switch it back on on the webhooks page if you recognise it.",
        "Your %(count)d webhook endpoints were switched off: switch back on on the webhooks page the ones you "
        "recognise.",
        switched,
    ) % {"count": switched}


def webhook_endpoints_switch_off_after_password_change(user: User) -> int:
    """Switch off USER's active endpoints, cancelling what waits for them, after a password change: whoever had the
    old password may have added one pointing at their own server. The owner switches each back on from the webhooks
    page or the API, as after any switch-off; returns how many were switched off."""
    detail = {"code": "webhook.password_changed", "params": {}}
    switched = 0
    for pk in WebhookEndpoint.objects.filter(owner=user, active=True).values_list("pk", flat=True):
        with transaction.atomic():
            changed = WebhookEndpoint.objects.filter(pk=pk, active=True).update(
                active=False,
                disabled_at=timezone.now(),
                disabled_detail=detail,
                disabled_reason=disabled_reason_english(detail),
            )
            if changed:
                webhook_deliveries_cancel(pk)
                switched += 1
    return switched


def _feed_end() -> str:
    """The cursor after the last settled event: a new endpoint receives what happens from now on."""
    last = settled_filter(ChangeEvent.objects.all()).order_by("-txid", "-id").first()
    return cursor_encode(last) if last else ""


def webhook_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    """Give ENDPOINT a new secret (a new salt) and return it; deliveries from now on are signed with it."""
    endpoint.salt = new_salt()
    endpoint.save(update_fields=["salt"])
    return webhook_secret(endpoint)


def webhook_deliveries_cancel(endpoint_id: int) -> int:
    """Cancel ENDPOINT_ID's deliveries not yet sent (it was deleted or disabled)."""
    waiting = [OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
    rows = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.WEBHOOK, target_id=endpoint_id)
    return rows.filter(status__in=waiting).update(status=OutboxMessage.Status.CANCELLED, claimed_until=None)


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete ENDPOINT and cancel its deliveries not yet sent."""
    webhook_deliveries_cancel(endpoint.pk)
    endpoint.delete()


NEWEST_FIRST = ("-created_at", "-id")


def _deliveries_to(endpoint_ids: list[int]) -> OutboxMessageQuerySet:
    """The outbox rows delivering to these endpoints (a webhook delivery names its endpoint in `target_id`)."""
    return OutboxMessage.objects.filter(channel=OutboxMessage.Channel.WEBHOOK, target_id__in=endpoint_ids)


def webhook_deliveries(endpoint: WebhookEndpoint) -> OutboxMessageQuerySet:
    """ENDPOINT's deliveries (outbox rows), newest first, with their attempts."""
    return _deliveries_to([endpoint.pk]).prefetch_related("log").order_by(*NEWEST_FIRST)


def webhook_endpoint_list(*, owner: User, deliveries: int = 10) -> list[WebhookEndpoint]:
    """OWNER's endpoints, newest first, each with its DELIVERIES latest deliveries as `recent_deliveries`.

    Two queries whatever the number of endpoints and deliveries: the endpoints, then every endpoint's latest rows
    at once (a row number per endpoint, filtered), for the webhooks page.
    """
    endpoints = list(WebhookEndpoint.objects.owned_by(owner).order_by(*NEWEST_FIRST))
    by_endpoint: dict[int, list[OutboxMessage]] = {endpoint.pk: [] for endpoint in endpoints}
    if endpoints:
        newest = [F("created_at").desc(), F("id").desc()]
        rank = Window(RowNumber(), partition_by=[F("target_id")], order_by=newest)
        shown = ("target_id", "kind", "status", "attempts", "last_error", "next_attempt_at", "sent_at", "created_at")
        rows = _deliveries_to(list(by_endpoint)).only(*shown).annotate(rank=rank).filter(rank__lte=deliveries)
        for row in rows.order_by("target_id", *NEWEST_FIRST):
            by_endpoint[row.target_id].append(row)
    for endpoint in endpoints:
        endpoint.recent_deliveries = by_endpoint[endpoint.pk]
    return endpoints


def webhook_body(event: ChangeEvent) -> dict[str, Any]:
    """The JSON body of EVENT's delivery: the change feed's entry for it, addresses on SITE_URL."""
    return change_item_json(event, site_url)


def webhooks_fan_out(*, page: int = FAN_OUT_PAGE) -> int:
    """Put the new events of every active endpoint in the outbox; returns how many deliveries were added."""
    endpoints = WebhookEndpoint.objects.active().values_list("pk", flat=True)
    return sum(webhook_fan_out(endpoint_id=pk, page=page) for pk in list(endpoints))


def webhook_fan_out(*, endpoint_id: int, page: int = FAN_OUT_PAGE) -> int:
    """Put ENDPOINT_ID's events after its position in the outbox, a page per transaction; returns how many."""
    added, more = 0, True
    while more:
        count, more = _fan_out_page(endpoint_id, page)
        added += count
    return added


@transaction.atomic
def _fan_out_page(endpoint_id: int, page: int) -> tuple[int, bool]:
    """One page of an endpoint's events put in the outbox, with its position advanced in the same transaction."""
    endpoint = WebhookEndpoint.objects.select_for_update(of=("self",)).active().filter(pk=endpoint_id).first()
    if endpoint is None:
        return 0, False
    events = change_events_visible_to(endpoint.owner_id)
    if "*" not in endpoint.events:
        events = events.filter(kind__in=endpoint.events)
    # The position is our own (the feed's end or an event sent): never refused, even if its event were deleted.
    batch = changes_after(events, endpoint.position, limit=page, strict=False)
    if not batch:
        return 0, False
    now = timezone.now()
    rows = [
        OutboxMessage(
            key=outbox_key("webhook", endpoint.pk, event.pk),
            channel=OutboxMessage.Channel.WEBHOOK,
            kind=event.kind,
            user_id=endpoint.owner_id,
            target_id=endpoint.pk,
            payload=webhook_body(event),
            next_attempt_at=now,
            expires_at=now + DEFAULT_LIFETIME,
        )
        for event in batch
    ]
    added = outbox_put_many(rows)
    endpoint.position = cursor_encode(batch[-1])
    endpoint.save(update_fields=["position"])
    return added, len(batch) == page
