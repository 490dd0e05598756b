"""Digest and reminder emails: rendered in the reader's language when sent, delivered from the outbox over SMTP.

The outbox row holds the items (JSON); the words are written at sending time in the language the user chose, with
absolute links from `SITE_URL`. Each email carries a one-click unsubscribe link (RFC 8058) made for that message,
and a `Message-ID` derived from the outbox key, so a message delivered twice after a crash is recognisably one.
"""

import smtplib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from alerts.addresses import EMAIL_CHANGED, EMAIL_CONFIRM_WITHIN, EMAIL_IN_USE, confirmation_link
from matching.messages import render
from matching.wording import date_words
from notices.models import Notice
from portal.models import EmailChange, OutboxMessage, SecretLink
from portal.outbox import Outcome, outbox_deliver
from portal.secret_links import secret_link_issue
from portal.services import EMAIL_CONFIRM_KIND
from portal.text import labelled, localised, punct
from programmes.models import Certification, Opportunity, TechnologyArea

# The record's date fields: their changes are stored as ISO dates and read as the pages write dates.
DATE_FIELDS = frozenset(
    f.name
    for f in Opportunity._meta.get_fields()
    if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
)
# Outbox email kinds written from items by this module; any other kind brings its own subject and body.
DIGEST_KINDS = ("digest", "reminder")
SECTION_ORDER = ("deadlines", "searches", "followed", "matches", "notices")


def site_url(path: str) -> str:
    """PATH as an absolute URL on this site (`SITE_URL`)."""
    return settings.SITE_URL.rstrip("/") + path


def site_path(path: str, language: str) -> str:
    """A page's path in LANGUAGE: Japanese pages live under /ja/."""
    return f"/ja{path}" if language == "ja" and path.startswith("/") and not path.startswith("/ja/") else path


def notice_page_path(slug: str) -> str:
    """The page of the notice SLUG, in the default language (`site_path` moves it under /ja/)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("notices:notice_detail", kwargs={"slug": slug})


def item_path(item: Mapping[str, Any]) -> str:
    """The page an item links to: its record's, or a notice's own page. A notice event's `url` is the notice's API
    address (docs/alerts.md), which is JSON and has no /ja/ form, so a reader is sent to the page; items written
    before they kept the slug give it as the last part of that address."""
    url = str(item.get("url") or "")
    if item.get("kind") == "notice.published":
        slug = item.get("slug") or url.rstrip("/").rsplit("/", 1)[-1]
        if slug:
            return notice_page_path(str(slug))
    return url or "/"


def message_id(message: OutboxMessage) -> str:
    """`<key@host>`: the same for every attempt at one outbox row, so receivers can spot a repeat."""
    host = urlsplit(settings.SITE_URL).hostname or "kakehashi.invalid"
    return f"<{message.key.replace(':', '.')}@{host}>"


def _field_label(name: str) -> str:
    if name == "area_weights":
        return str(_("Technology area weights"))
    try:
        return capfirst(str(Opportunity._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


class ValueNames:
    """Area and certification names for the changed values of one email or feed: read once, on first use, in the
    language active then (an email's or feed's whole text is written in one language)."""

    def __init__(self) -> None:
        self._areas: dict[str, str] | None = None
        self._certifications: dict[str, str] | None = None
        self._notices: dict[str, str] | None = None

    def areas(self) -> dict[str, str]:
        if self._areas is None:
            self._areas = {area.slug: localised(area) for area in TechnologyArea.objects.all()}
        return self._areas

    def notices(self) -> dict[str, str]:
        """Each published notice's summary, in the active language where it has one, by slug."""
        if self._notices is None:
            japanese = translation.get_language() == "ja"
            rows = Notice.objects.published().values_list("slug", "summary", "summary_ja")
            self._notices = {slug: (japanese and summary_ja) or summary for slug, summary, summary_ja in rows}
        return self._notices

    def certifications(self) -> dict[str, str]:
        if self._certifications is None:
            self._certifications = {cert.code: localised(cert) for cert in Certification.objects.all()}
        return self._certifications


def _value(value: Any, name: str, names: ValueNames) -> str:
    """A changed value as a reader knows it: area and certification names, country names, choice labels."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):  # japanese_entity: a yes or no, not Python's True
        return str(_("Yes") if value else _("No"))
    if isinstance(value, Mapping):  # area_weights: {slug: weight}
        areas = names.areas()
        return punct(",").join(f"{areas.get(str(slug), str(slug))} {float(weight):g}" for slug, weight in value.items())
    values = value if isinstance(value, list) else [value]
    return punct(",").join(_named(name, [str(v) for v in values], names))


def _named(name: str, values: list[str], names: ValueNames) -> list[str]:
    if name in DATE_FIELDS:
        return [date_words(v) for v in values]  # stored ISO, read as the pages write dates
    if name == "technology_areas":
        return [names.areas().get(v, v) for v in values]
    if name == "required_certifications":
        return [names.certifications().get(v, v) for v in values]
    if name == "eligible_countries":
        return [str(countries.name(v)) or v for v in values]
    if name == "eligible_sizes":
        return [str(dict(Opportunity.Size.choices).get(v, v)) for v in values]
    try:
        choices = dict(Opportunity._meta.get_field(name).flatchoices)
    except FieldDoesNotExist:
        choices = {}
    return [str(choices.get(v, v)) for v in values]


def item_lines(item: Mapping[str, Any], names: ValueNames | None = None) -> list[str]:
    """What an item says beyond its title, in the active language (NAMES: shared by the items of one email or feed)."""
    names = names or ValueNames()
    kind = item.get("kind")
    if kind == "search.result":
        return [_("New result of your saved search “%(name)s”") % {"name": item.get("search", "")}]
    if kind in ("deadline.closes", "deadline.starts"):
        days = int(item.get("days", 0))
        text = (
            ngettext("Starts in %(days)d day, on %(on)s", "Starts in %(days)d days, on %(on)s", days)
            if kind == "deadline.starts"
            else ngettext("Closes in %(days)d day, on %(on)s", "Closes in %(days)d days, on %(on)s", days)
        )
        return [text % {"days": days, "on": date_words(item.get("on", ""))}]
    if kind == "opportunity.archived":
        return [_("The record was archived.")]
    if kind == "source.reviewed":
        return [_("A consultant reviewed a change in its source: %(url)s") % {"url": item.get("source_url", "")}]
    if kind == "match.created":
        lines = [_("New match for your firm: score %(score)s") % {"score": _score(item.get("score"))}]
        return lines + [render(reason) for reason in (item.get("items") or [])[:3]]
    if kind == "match.moved":
        moved = punct(";").join(render(part) for part in item.get("moved") or [])
        head = f"{_score(item.get('old_score'))} → {_score(item.get('new_score'))}"
        return [_("Your firm's score moved: %(move)s") % {"move": labelled(head, moved) if moved else head}]
    if kind == "notice.published":
        return _notice_lines(item, names)
    changes = dict(item.get("changes") or {})
    if "area_weights" in changes:
        changes.pop("technology_areas", None)  # the weights name the areas too
    lines = [
        labelled(
            _field_label(name), f"{_value(change.get('old'), name, names)} → {_value(change.get('new'), name, names)}"
        )
        for name, change in changes.items()
        if isinstance(change, Mapping)
    ]
    if item.get("confirmed"):
        lines.append(_("The expected dates are now confirmed."))
    return lines or [_("The record changed.")]


def _notice_lines(item: Mapping[str, Any], names: ValueNames) -> list[str]:
    """A notice's title, whom it concerns (its countries and areas, named) and its summary."""
    title = (item.get("title_ja") if translation.get_language() == "ja" else "") or item.get("title") or ""
    lines = [_("New rule or policy notice: %(title)s") % {"title": title}]
    if item.get("countries"):
        lines.append(labelled(_("Firms from"), _value(item["countries"], "eligible_countries", names)))
    if item.get("areas"):
        lines.append(labelled(_("Technology areas"), _value(item["areas"], "technology_areas", names)))
    summary = names.notices().get(str(item.get("slug") or ""))
    return lines + ([summary] if summary else [])


def _score(value: Any) -> str:
    try:
        return f"{float(value):.0f}"
    except (TypeError, ValueError):
        return "?"


def _section_title(name: str) -> str:
    return {
        "deadlines": _("Deadlines"),
        "searches": _("New results of your saved searches"),
        "followed": _("Changes to records your firm follows"),
        "matches": _("Your firm's matches"),
        "notices": _("Notices"),
    }[name]


def email_sections(items: list[Mapping[str, Any]], language: str) -> list[dict[str, Any]]:
    """ITEMS grouped by section in a fixed order, each with its title, link and lines in the active language."""
    sections = []
    names = ValueNames()
    for name in SECTION_ORDER:
        rows = [
            {
                "title": (item.get("title_ja") if language == "ja" else "") or item.get("title") or "",
                "url": site_url(site_path(item_path(item), language)),
                "lines": item_lines(item, names),
            }
            for item in items
            if item.get("section") == name
        ]
        if rows:
            sections.append({"title": _section_title(name), "items": rows})
    return sections


def _subject(message: OutboxMessage, count: int) -> str:
    if message.kind == "reminder":
        row = email_sections(message.payload["items"][:1], translation.get_language())[0]["items"][0]
        return _("Reminder: %(title)s") % {"title": row["title"]}
    if message.payload.get("period") == "weekly":
        text = ngettext(
            "Kakehashi weekly digest: %(count)d update", "Kakehashi weekly digest: %(count)d updates", count
        )
    else:
        text = ngettext("Kakehashi daily digest: %(count)d update", "Kakehashi daily digest: %(count)d updates", count)
    return text % {"count": count}


def email_build(message: OutboxMessage, *, unsubscribe_url: str, connection=None) -> EmailMultiAlternatives:
    """The email of one outbox row, plain text and HTML, in the language its payload names."""
    language = message.payload.get("language") or "en"
    items = message.payload.get("items") or []
    with translation.override(language):
        context = {
            "sections": email_sections(items, language),
            "settings_url": site_url(site_path(reverse("alerts:notification_settings"), language)),
            "unsubscribe_url": unsubscribe_url,
            "user": message.user,
            "language": language,
        }
        subject = _subject(message, len(items))
        text = render_to_string("alerts/email_digest.txt", context)
        html = render_to_string("alerts/email_digest.html", context)
    host = urlsplit(settings.SITE_URL).hostname or "kakehashi.invalid"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[message.user.email],
        connection=connection,
        headers={
            "Message-ID": message_id(message),
            "List-Unsubscribe": f"<{unsubscribe_url}>, <mailto:{settings.UNSUBSCRIBE_MAILTO or f'unsubscribe@{host}'}"
            f"?subject=unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def unsubscribe_url_issue(message: OutboxMessage) -> str:
    """A fresh one-click unsubscribe URL for MESSAGE's user, bound to this message (earlier emails keep theirs), on
    the page in the email's language."""
    _link, raw = secret_link_issue(user=message.user, purpose=SecretLink.Purpose.UNSUBSCRIBE, subject_id=message.pk)
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("alerts:unsubscribe")
    language = (message.payload or {}).get("language") or "en"
    return site_url(f"{site_path(path, language)}?{urlencode({'token': raw})}")


def email_confirmation(message: OutboxMessage, *, connection=None) -> EmailMultiAlternatives | None:
    """The link that makes payload `to` the user's address, sent to that address; None (and the row cancelled) when
    the request was replaced, confirmed or dropped since it was queued. Every copy carries the same link
    (alerts.addresses.confirmation_link), so a resent email does not void the first."""
    payload = message.payload
    change = EmailChange.objects.filter(pk=payload.get("change"), user=message.user, email=payload.get("to")).first()
    raw = confirmation_link(change) if change is not None else None
    if change is None or raw is None:
        OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.CANCELLED)
        return None
    language = payload.get("language") or "en"
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("alerts:email_confirm")
    with translation.override(language):
        deadline = date_format(timezone.localtime(change.requested_at + EMAIL_CONFIRM_WITHIN), "DATETIME_FORMAT")
        context = {
            "url": site_url(f"{site_path(path, language)}?{urlencode({'token': raw})}"),
            "username": message.user.get_username(),
            "email": change.email,
            "deadline": deadline,
        }
        subject = _("Confirm your email address for Kakehashi")
        body = render_to_string("alerts/email_confirm.txt", context)
    headers = {"Message-ID": message_id(message)}
    return EmailMultiAlternatives(subject=subject, body=body, to=[change.email], connection=connection, headers=headers)


def email_plain(message: OutboxMessage, *, connection=None) -> EmailMultiAlternatives:
    """Any other email in the outbox (a notice to a webhook's owner, or to an address just replaced): payload
    `subject`, `body`, optional `html` and `to` (the user's address when absent)."""
    email = EmailMultiAlternatives(
        subject=message.payload["subject"],
        body=message.payload["body"],
        to=[message.payload.get("to") or message.user.email],
        connection=connection,
        headers={"Message-ID": message_id(message)},
    )
    if message.payload.get("html"):
        email.attach_alternative(message.payload["html"], "text/html")
    return email


def email_send(message: OutboxMessage, *, connection) -> Outcome:
    """Hand one outbox row to the SMTP server; an error is a failed attempt (retried with back-off), not a loss."""
    try:
        if message.kind in DIGEST_KINDS:
            email = email_build(message, unsubscribe_url=unsubscribe_url_issue(message), connection=connection)
        elif message.kind == EMAIL_CONFIRM_KIND:
            confirmation = email_confirmation(message, connection=connection)
            if confirmation is None:
                return Outcome(ok=False, error="the request was replaced, confirmed or dropped: not sent")
            email = confirmation
        elif {"subject", "body"} <= set(message.payload):
            email = email_plain(message, connection=connection)
        else:
            return Outcome(ok=False, error=f"no way to write an email of kind {message.kind!r}")
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        connection.close()  # the next message opens a fresh connection instead of reusing a broken one
        return Outcome(ok=False, error=f"{type(error).__name__}: {error}")
    return Outcome(ok=True, status_code=250)


def emails_cancel_undeliverable() -> int:
    """Cancel email rows whose user has no address or was deactivated: no attempt could ever succeed."""
    pending = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.EMAIL, status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
    )
    # A confirmation goes to the address being confirmed, so an account with no address yet can still get one.
    no_address = pending.filter(user__email="").exclude(kind__in=[EMAIL_CONFIRM_KIND, EMAIL_CHANGED, EMAIL_IN_USE])
    unreachable = pending.filter(user__isnull=True) | no_address | pending.filter(user__is_active=False)
    return unreachable.update(status=OutboxMessage.Status.CANCELLED, last_error="no address to send to")


def emails_deliver(*, limit: int = 100, rounds: int = 1000) -> dict[str, int]:
    """Deliver due email rows through Django's mail connection until none is due; counts of sent and failed."""
    emails_cancel_undeliverable()
    connection = get_connection()
    counts = {"sent": 0, "failed": 0}
    try:
        for _round in range(rounds):
            settled = outbox_deliver(
                channel=OutboxMessage.Channel.EMAIL,
                send=lambda message: email_send(message, connection=connection),
                limit=limit,
            )
            if not settled:
                break
            for message in settled:
                counts["sent" if message.status == OutboxMessage.Status.SENT else "failed"] += 1
    finally:
        connection.close()
    return counts
