"""Writes of the partners app: partner records, introduction requests and their workflow.

Views, the API and the admin all call these. Every change is kept in history with who made it and why, and
introduction_request and introduction_move put their emails in the outbox in the same transaction
(`partners/emails.py`).
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from companies.models import Company
from matching import dispatch
from partners.emails import introduction_moved_emails, introduction_requested_emails
from partners.models import Introduction, Partner
from portal.history import saving_changes_nothing
from portal.reasons import reason_stored, reason_with_detail
from programmes.models import Opportunity

MESSAGE_MAX_LENGTH = 4000
# The history reason of a move to each status; a reason typed with the move follows it.
MOVED_TO: dict[str, str] = {
    Introduction.Status.REQUESTED: gettext_noop("Moved to requested"),
    Introduction.Status.IN_REVIEW: gettext_noop("Moved to in review"),
    Introduction.Status.INTRODUCED: gettext_noop("Moved to introduced"),
    Introduction.Status.DECLINED: gettext_noop("Moved to declined"),
}
# Which status may follow which: a consultant reviews a request, then introduces the firm or declines.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Introduction.Status.REQUESTED: (Introduction.Status.IN_REVIEW, Introduction.Status.DECLINED),
    Introduction.Status.IN_REVIEW: (Introduction.Status.INTRODUCED, Introduction.Status.DECLINED),
    Introduction.Status.INTRODUCED: (),
    Introduction.Status.DECLINED: (),
}


def partner_save(*, partner: Partner, by: User | None, reason: str = "", links_changed: bool = False) -> Partner:
    """Validate and save a partner record with who and why in its history; every firm's partner fit is refitted
    once the caller commits (the admin's inline areas and programmes are saved in the same transaction).

    An edit that changes no column and, by LINKS_CHANGED, none of its areas, programmes or sources writes nothing.
    """
    partner.full_clean()
    if not links_changed and saving_changes_nothing(partner):
        return partner
    partner._change_reason = reason or (gettext_noop("Edited") if partner.pk else gettext_noop("Created"))  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    partner._history_user = by  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    partner.save()
    dispatch.partners_refit_later()
    return partner


def partner_delete(*, partner: Partner, by: User | None) -> None:
    """Delete a partner record (its fits go with it) and refit every firm once the caller commits, so another
    partner takes its place in the firms' best twenty."""
    partner._history_user = by  # type: ignore[attr-defined]  # simple-history reads it; no stub declares it
    partner.delete()
    dispatch.partners_refit_later()


def introduction_firms(*, user: User | AnonymousUser | None) -> QuerySet[Company]:
    """The firms USER may ask introductions for: those they belong to as an editor (a viewer changes nothing)."""
    return Company.objects.member_of(user).filter(pk__in=Company.objects.editable_by(user).values("pk"))


def introduction_check_requester(*, company: Company, by: User | AnonymousUser | None) -> None:
    """Refuse (403) a request on COMPANY's behalf by anyone but its editors: the page, the API and the service."""
    if not introduction_firms(user=by).filter(pk=company.pk).exists():
        raise PermissionDenied(_("Only the firm's editors can ask for introductions on its behalf."))


@transaction.atomic
def introduction_request(
    *, company: Company, partner: Partner, message: str, by: User | None, opportunity: Opportunity | None = None
) -> Introduction:
    """Record a firm's request to be introduced to PARTNER; refused while the same request is still open, and to
    anyone but the firm's editors (PermissionDenied)."""
    introduction_check_requester(company=company, by=by)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say what you want from the introduction.")})
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"message": _("Keep the message under %(n)s characters.") % {"n": MESSAGE_MAX_LENGTH}})
    # Lock the firm's row so two simultaneous requests cannot both pass the check below.
    Company.objects.select_for_update().filter(pk=company.pk).first()
    if Introduction.objects.open().filter(company=company, partner=partner, opportunity=opportunity).exists():
        raise ValidationError({"partner": _("You already have an open request for this partner and opportunity.")})
    introduction = Introduction(
        company=company, partner=partner, opportunity=opportunity, message=message, requested_by=by
    )
    introduction.full_clean()
    introduction._change_reason = gettext_noop("Requested")  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    introduction._history_user = by  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    introduction.save()
    introduction_requested_emails(introduction)
    return introduction


def _label(status: str) -> str:
    """A status as people read it ("In review", not in_review), in the active language."""
    return str(Introduction.Status(status).label)


def introduction_move_check(*, current: str, status: str, reason: str = "") -> None:
    """The rules of a move from CURRENT to STATUS, by field (the admin form shows them on its fields, the API names
    the field). The one place that says which moves are allowed; a save that keeps the status is no move."""
    if status not in Introduction.Status.values:
        raise ValidationError({"status": _("Unknown status %(s)s.") % {"s": status}})
    if status != current and status not in TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": _("A request that is “%(old)s” cannot become “%(new)s”.")
                % {"old": _label(current), "new": _label(status)}
            }
        )
    # Declining needs a reason; a request already declined keeps the reason it was declined with, so an edit of
    # its notes alone needs none typed again.
    if status == Introduction.Status.DECLINED and status != current and not (reason or "").strip():
        raise ValidationError({"reason": _("Give the firm a reason for declining.")})


@transaction.atomic
def introduction_move(
    *, introduction: Introduction, status: str | None, reason: str = "", notes: str | None = None, by: User | None
) -> Introduction:
    """Move a request along requested -> in_review -> introduced / declined; declining needs a reason. With no
    STATUS, the request stays where it is (read under the lock) and only its reason or notes change; a save that
    changes nothing writes nothing (no history row, `updated_at` stays)."""
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    status = introduction.status if status is None else status
    introduction_move_check(current=introduction.status, status=status, reason=reason)
    reason = (reason or "").strip()
    moved = status != introduction.status
    introduction.status = status
    if reason:
        introduction.reason = reason
    if notes is not None:
        introduction.notes = notes
    introduction.full_clean()
    if not moved and saving_changes_nothing(introduction):
        return introduction  # the records' rule: a history row only for a change it shows
    why = reason_with_detail(MOVED_TO[status], reason) if moved else reason_stored(reason or gettext_noop("Edited"))
    introduction._change_reason = why  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    introduction._history_user = by  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    introduction.save()
    if moved:
        introduction_moved_emails(introduction)
    return introduction
