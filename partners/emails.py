"""Introduction emails: each is one outbox row, written in the transaction of the change that causes it.

A request writes one row per consultant; a status change writes one row for the user who asked (for the firm's
editors once the asker cannot open the request). The key
`introduction:<id>:<status>:<user id>` makes a repeated write a no-op. Subject and body are plain text in the
recipient's language (their notification settings', else English) and link to the request's page on `SITE_URL`;
the alerts email sender delivers any row with a `subject` and a `body`.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alerts.preferences import language_of
from companies.models import Membership
from partners.models import Introduction
from portal.models import OutboxMessage
from portal.outbox import outbox_key, outbox_put
from portal.roles import CONSULTANTS_GROUP

KIND = "introduction"


def consultants_to_tell() -> list[User]:
    """Active members of the consultants group who have an address, in a stable order."""
    return list(
        User.objects.filter(groups__name=CONSULTANTS_GROUP, is_active=True).exclude(email="").order_by("pk").distinct()
    )


def introduction_url(introduction: Introduction, language: str, *, queue: bool = False) -> str:
    """The request's page as an absolute URL, in LANGUAGE (Japanese pages live under /ja/); QUEUE: its page in the
    consultants' queue (the admin), where it is moved along."""
    name = "admin:partners_introduction_change" if queue else "partners:introduction_detail"
    with translation.override(language):
        path = reverse(name, args=[introduction.pk])
    return settings.SITE_URL.rstrip("/") + path


def _partner_name(introduction: Introduction, language: str) -> str:
    partner = introduction.partner
    return (partner.name_ja if language == "ja" else "") or partner.name


def _opportunity_title(introduction: Introduction, language: str) -> str:
    opportunity = introduction.opportunity
    if opportunity is None:
        return ""
    return (opportunity.title_ja if language == "ja" else "") or opportunity.title


def request_email(introduction: Introduction, language: str) -> dict[str, Any]:
    """What a consultant is told about a new request, in LANGUAGE."""
    with translation.override(language):
        names = {"company": introduction.company.name, "partner": _partner_name(introduction, language)}
        subject = _("Kakehashi: %(company)s asks for an introduction to %(partner)s") % names
        lines = [_("%(company)s asks to be introduced to %(partner)s.") % names]
        asker = _asker(introduction)
        if asker:
            lines.append(asker)
        title = _opportunity_title(introduction, language)
        if title:
            lines.append(_("It is for: %(title)s") % {"title": title})
        lines += ["", _("Their message:"), introduction.message, ""]
        queue = introduction_url(introduction, language, queue=True)
        lines.append(_("Work on it in the queue: %(url)s") % {"url": queue})
    return {"subject": subject, "body": "\n".join(lines) + "\n", "language": language, "introduction": introduction.pk}


def _asker(introduction: Introduction) -> str:
    """Who asked, for the consultant to answer: the user's name and address and their firm ("" if the user is gone)."""
    user = introduction.requested_by
    if user is None:
        return ""
    names = {
        "name": user.get_full_name() or user.get_username(),
        "email": user.email,
        "company": introduction.company.name,
    }
    if user.email:
        return _("Asked by %(name)s (%(email)s) of %(company)s.") % names
    return _("Asked by %(name)s of %(company)s.") % names


# What the asker is told of each status: the subject, then the first line. Nothing moves a request back to
# "requested" today (services.TRANSITIONS); its words are here so that a new move cannot send a broken email.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    Introduction.Status.REQUESTED: (
        gettext_noop("Kakehashi: your request for an introduction to %(partner)s waits for a consultant"),
        gettext_noop("The request of %(company)s to be introduced to %(partner)s waits for a consultant to review it."),
    ),
    Introduction.Status.IN_REVIEW: (
        gettext_noop("Kakehashi: a consultant is reviewing your request for an introduction to %(partner)s"),
        gettext_noop("A Kakehashi consultant is reviewing the request of %(company)s to be introduced to %(partner)s."),
    ),
    Introduction.Status.INTRODUCED: (
        gettext_noop("Kakehashi: %(company)s has been introduced to %(partner)s"),
        gettext_noop("A Kakehashi consultant has introduced %(company)s to %(partner)s."),
    ),
    Introduction.Status.DECLINED: (
        gettext_noop("Kakehashi: your request for an introduction to %(partner)s was declined"),
        gettext_noop("The request of %(company)s to be introduced to %(partner)s was declined."),
    ),
}


def status_email(introduction: Introduction, language: str) -> dict[str, Any]:
    """What the user who asked is told when a consultant moves their request, in LANGUAGE: a sentence for the new
    status, then the reason for a decline or, for any other status, the consultant's note to the firm (the `reason`
    field; the consultants' private `notes` are never in it)."""
    with translation.override(language):
        names = {"partner": _partner_name(introduction, language), "company": introduction.company.name}
        subject, first_line = (_(words) % names for words in STATUS_WORDS[introduction.status])
        lines = [first_line]
        if introduction.reason and introduction.status == Introduction.Status.DECLINED:
            lines.append(_("Reason: %(reason)s") % {"reason": introduction.reason})
        elif introduction.reason:
            lines.append(_("Note from the consultant: %(note)s") % {"note": introduction.reason})
        lines += ["", _("See the request and its history: %(url)s") % {"url": introduction_url(introduction, language)}]
    return {
        "subject": subject,
        "body": "\n".join(lines) + "\n",
        "language": language,
        "introduction": introduction.pk,
    }


def _put(introduction: Introduction, user: User, payload: dict[str, Any]) -> bool:
    return outbox_put(
        key=outbox_key(KIND, introduction.pk, introduction.status, user.pk),
        channel=OutboxMessage.Channel.EMAIL,
        kind=KIND,
        payload=payload,
        user=user,
    )


def introduction_requested_emails(introduction: Introduction) -> int:
    """One email per consultant about a new request; how many rows were added (0 on a repeat)."""
    added = 0
    for consultant in consultants_to_tell():
        added += _put(introduction, consultant, request_email(introduction, language_of(consultant)))
    return added


def introduction_moved_emails(introduction: Introduction) -> int:
    """Tell the user who asked about the request's new status; how many rows were added. The request is the firm's:
    once the asker cannot open it (taken off the firm, switched off, or deleted) or has no address, the firm's
    editors with an address are told instead, so the answer a firm waits for always reaches someone who can act on
    it, never someone the page would answer 404."""
    return sum(
        _put(introduction, user, status_email(introduction, language_of(user))) for user in _told_of_moves(introduction)
    )


def _told_of_moves(introduction: Introduction) -> list[User]:
    user = introduction.requested_by
    if user is not None and user.is_active and user.email:
        if Introduction.objects.visible_to(user).filter(pk=introduction.pk).exists():
            return [user]
    editors = User.objects.filter(
        is_active=True,
        memberships__company_id=introduction.company_id,
        memberships__role=Membership.Role.EDITOR,
    ).exclude(email="")
    return list(editors.order_by("pk").distinct())
