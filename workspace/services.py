"""Every write of the workspace app: pipeline entries, bulk actions and "not relevant" feedback.

Views, the API, the admin and commands all call these. Feedback of the reason `wrong_technology` refreshes the
scorer's marks (matching.marks) in the same transaction and enqueues the firm's rescore on commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from companies.models import Company, Membership
from matching import dispatch  # workspace sits above matching: rescoring a firm is a plain call down
from matching.marks import feedback_marks_replace
from portal.generations import generations_bump
from portal.roles import Viewer
from programmes.models import Opportunity, OpportunityArea
from workspace.models import DUE_FOLLOWED_DEADLINE, MatchFeedback, PipelineEntry
from workspace.versions import (
    ENTRY_FIELDS,
    NO_ENTRY,
    UNSET,
    pipeline_entry_version_check,
)


class FeedbackGiven(NamedTuple):
    feedback: MatchFeedback
    rescored: bool  # the firm's wrong-technology marks changed, so its rescore was asked for


@dataclass(frozen=True)
class FeedbackWithdrawn:
    withdrawn: bool  # there was feedback to undo
    rescored: bool

    def __bool__(self) -> bool:
        return self.withdrawn


class BulkUpdated(NamedTuple):
    updated: int
    rescored: bool


# A due date set by hand may lie this far in the past at most (a late entry backdated a little is fine; 1900-01-01 is
# a slip), and this many years ahead at most (no programme runs to 9999-12-31; a calendar app would carry the slip for
# ever). A date the entry already has, such as an old record's deadline, is never refused for it.
DUE_PAST_DAYS = 365
DUE_FUTURE_YEARS = 10
# A pipeline entry's history reasons, stored in English and translated where the history is shown.
ADDED, CHANGED, REMOVED = (
    gettext_noop("added to the pipeline"),
    gettext_noop("changed"),
    gettext_noop("removed from the pipeline"),
)


def workspace_can_edit(*, user: Viewer | None, company: Company) -> bool:
    """Consultants and the firm's editors change its workspace; viewers read it."""
    return Company.objects.editable_by(user).filter(pk=company.pk).exists()


def workspace_edit_check(*, user: Viewer | None, company: Company) -> None:
    """Refuse (PermissionDenied, with the reason) anyone who may not change the firm's workspace."""
    if not workspace_can_edit(user=user, company=company):
        raise PermissionDenied(_("Only the firm's editors can change its workspace."))


def firm_editors(*, company: Company, keeping: User | None = None) -> QuerySet[User]:
    """The users who may own the firm's pipeline entries: its editors, who can change them (a viewer owning an entry
    could do nothing about it); KEEPING, an entry's current owner, stays among them whatever their role now."""
    editors = Q(memberships__company=company, memberships__role=Membership.Role.EDITOR, is_active=True)
    kept = Q(pk=keeping.pk) if keeping is not None else Q(pk__in=[])
    return User.objects.filter(editors | kept).distinct().order_by("username")


def _owner(company: Company, owner: object, current: User | None) -> User | None:
    """The owner asked for, by username or as a user, if one of the firm's editors (or the entry's CURRENT owner)."""
    if owner in (None, ""):
        return None
    name = owner if isinstance(owner, str) else owner.get_username() if isinstance(owner, User) else None
    found = firm_editors(company=company, keeping=current).filter(username=name).first() if name else None
    if found is not None:
        return found
    raise ValidationError({"owner": pipeline_owner_refusal(company=company, name=name)})


def pipeline_owner_refusal(*, company: Company, name: str | None) -> str:
    """Why the user NAME may not own the firm's pipeline entries: a viewer of the firm is named, anyone else is told
    to choose an editor. The one wording for the service (API, admin) and the entry's page."""
    if name and Membership.objects.filter(company=company, user__username=name).exists():
        why = _("%(name)s is a viewer at the firm and cannot change its pipeline: choose one of its editors as owner.")
        return why % {"name": name}
    return _("The owner must be one of the firm's editors.")


@transaction.atomic
def pipeline_entry_save(
    *,
    company: Company,
    opportunity: Opportunity,
    by: Viewer | None,
    stage: str | None = None,
    owner: object = UNSET,
    due_on: datetime.date | None | object = UNSET,
    notes: str | None = None,
    version: str | None = None,
    must_create: bool = False,
) -> PipelineEntry:
    """Create or change the firm's entry for OPPORTUNITY; a new entry watches it, due on the record's deadline.

    VERSION, when given, is the `pipeline_entry_version` the change was drawn from: if the entry has been saved (or
    removed) since, nothing is written and PipelineEntryConflict says what changed. MUST_CREATE: only if the firm
    has no entry for it yet (If-None-Match: *), checked under the row's lock like VERSION."""
    workspace_edit_check(user=by, company=company)
    found = PipelineEntry.objects.select_for_update().filter(company=company, opportunity=opportunity).first()
    pipeline_entry_version_check(found, NO_ENTRY if must_create else version)
    created = found is None
    entry: PipelineEntry = found or PipelineEntry(company=company, opportunity=opportunity, due_on=opportunity.deadline)
    before = [getattr(entry, column) for _field, column in ENTRY_FIELDS]
    if stage is not None:
        entry.stage = stage
    if owner is not UNSET:
        entry.owner = _owner(company, owner, entry.owner if entry.pk else None)
    if due_on is not UNSET:
        due_on = cast("datetime.date | None", due_on)  # UNSET (left as it was) aside, a date or None
        pipeline_due_on_check(due_on=due_on, current=entry.due_on, deadline=opportunity.deadline)
        entry.due_on = due_on
    if notes is not None:
        entry.notes = notes
    if not created and before == [getattr(entry, column) for _field, column in ENTRY_FIELDS]:
        return entry  # nothing changed: no history row, and the version (the ETag) stays, so no copy goes stale
    entry.full_clean()
    entry._change_reason = ADDED if created else CHANGED  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    entry._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    entry.save()
    generations_bump("matches")
    return entry


def pipeline_due_dates_follow(opportunity_id: int, old: datetime.date, new: datetime.date) -> int:
    """A curator moved a record's deadline from OLD to NEW: each firm's entry for it still due on OLD (the date an
    entry starts with, or one typed to match it) becomes due on NEW, with a history row saying why, so no calendar
    shows a due date after the record has closed (matching.hooks.record_deadline_moved). Returns how many moved."""
    entries = PipelineEntry.objects.select_for_update().filter(opportunity_id=opportunity_id, due_on=old)
    moved = 0
    for entry in entries.order_by("pk"):
        entry.due_on = new
        entry._change_reason = DUE_FOLLOWED_DEADLINE  # simple-history reads it; not a model field
        entry._history_user = None  # no member of the firm changed it
        entry.save(update_fields=["due_on", "updated_at"])
        moved += 1
    if moved:
        generations_bump("matches")
    return moved


def pipeline_due_on_check(
    *, due_on: datetime.date | None, current: datetime.date | None, deadline: datetime.date | None = None
) -> None:
    """Refuse a new due date more than DUE_PAST_DAYS before today in Japan, or more than DUE_FUTURE_YEARS after it
    (or after the record's DEADLINE, when that is later still), naming the earliest or latest date taken; the date the
    entry already has (CURRENT) always stays. The service and the admin's form both ask here."""
    if due_on is None or due_on == current:
        return
    today = timezone.localdate()
    earliest = today - datetime.timedelta(days=DUE_PAST_DAYS)
    if due_on < earliest:
        why = _("A due date can be at most a year in the past: give %(earliest)s or later.")
        raise ValidationError({"due_on": why % {"earliest": date_format(earliest, "DATE_FORMAT")}})
    latest = max(_years_after(today, DUE_FUTURE_YEARS), deadline or datetime.date.min)
    if due_on > latest:
        why = ngettext(
            "A due date can be at most %(years)d year ahead: give %(latest)s or earlier.",
            "A due date can be at most %(years)d years ahead: give %(latest)s or earlier.",
            DUE_FUTURE_YEARS,
        )
        latest_said = date_format(latest, "DATE_FORMAT")
        raise ValidationError({"due_on": why % {"years": DUE_FUTURE_YEARS, "latest": latest_said}})


def _years_after(day: datetime.date, years: int) -> datetime.date:
    """DAY, YEARS later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def pipeline_entry_delete(*, entry: PipelineEntry, by: Viewer | None, version: str | None = None) -> None:
    """Take an entry off the firm's pipeline (its history stays); with VERSION, only if nobody saved it since
    (PipelineEntryConflict otherwise)."""
    workspace_edit_check(user=by, company=entry.company)
    pipeline_entry_version_check(PipelineEntry.objects.select_for_update().filter(pk=entry.pk).first(), version)
    entry._change_reason = REMOVED  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    entry._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]  # simple-history reads it; not a model field
    entry.delete()
    generations_bump("matches")


def _main_areas(opportunity_ids: list[int]) -> list[list[tuple[int, str]]]:
    """For each record, the areas at its highest weight (its main areas: OpportunityArea.objects.main()), as
    (id, slug)."""
    main: dict[int, list[tuple[int, str]]] = {}
    links = OpportunityArea.objects.main().filter(opportunity_id__in=opportunity_ids)
    for opp, area, slug in links.values_list("opportunity_id", "technology_area_id", "technology_area__slug"):
        main.setdefault(opp, []).append((area, slug))
    return list(main.values())


def marks_count(main_areas: list[list[tuple[int, str]]]) -> dict[int, tuple[int, list[list[str]]]]:
    """Area id -> (marked records whose main area it is, the other main areas (slugs) of each that had any)."""
    counts: dict[int, tuple[int, list[list[str]]]] = {}
    for areas in main_areas:
        for area, slug in areas:
            records, shared_with = counts.get(area, (0, []))
            others = sorted(other for _id, other in areas if other != slug)
            counts[area] = (records + 1, shared_with + [others] if others else shared_with)
    return counts


@transaction.atomic
def feedback_marks_refresh(*, company: Company) -> bool:
    """Recount the firm's wrong-technology marks per main area and, when they changed, rescore it on commit."""
    # The firm's row is locked first: a curator's recount and the firm's own feedback never interleave their
    # delete-and-insert of the marks (the second waits, then counts what the first committed).
    Company.objects.select_for_update().filter(pk=company.pk).first()
    marked = list(
        MatchFeedback.objects.filter(company=company, reason=MatchFeedback.Reason.WRONG_TECHNOLOGY).values_list(
            "opportunity_id", flat=True
        )
    )
    changed = feedback_marks_replace(company_id=company.pk, records=marks_count(_main_areas(marked)))
    if changed:
        dispatch.company_rescore_later(company_id=company.pk)
    return changed


def feedback_marks_records_changed(opportunity_ids: list[int]) -> None:
    """A curator changed these records' areas: recount, once each, the marks of the firms that marked one of them
    wrong technology, so a mark counts against the record's main areas as they are now
    (matching.hooks.record_areas_changed)."""
    marked_by = MatchFeedback.objects.filter(
        opportunity_id__in=opportunity_ids, reason=MatchFeedback.Reason.WRONG_TECHNOLOGY
    ).values("company_id")
    for company in Company.objects.filter(pk__in=marked_by).order_by("pk"):
        feedback_marks_refresh(company=company)


@transaction.atomic
def match_feedback_give(
    *, company: Company, opportunity: Opportunity, reason: str, by: Viewer | None, note: str = ""
) -> FeedbackGiven:
    """Mark OPPORTUNITY not relevant to the firm: hidden from its lists; `wrong_technology` also teaches the scorer
    (and `rescored` says its rescore was asked for)."""
    workspace_edit_check(user=by, company=company)
    feedback = MatchFeedback.objects.filter(company=company, opportunity=opportunity).first() or MatchFeedback(
        company=company, opportunity=opportunity
    )
    feedback.reason, feedback.note = reason, note or ""
    feedback.given_by = by if getattr(by, "is_authenticated", False) else None
    feedback.full_clean()
    feedback.save()
    rescored = feedback_marks_refresh(company=company)
    generations_bump("matches")
    return FeedbackGiven(feedback, rescored)


@transaction.atomic
def match_feedback_withdraw(*, company: Company, opportunity: Opportunity, by: Viewer | None) -> FeedbackWithdrawn:
    """Undo the firm's feedback on OPPORTUNITY (the match shows again, marks undone); false if there was none."""
    workspace_edit_check(user=by, company=company)
    deleted, _rows = MatchFeedback.objects.filter(company=company, opportunity=opportunity).delete()
    rescored = False
    if deleted:
        rescored = feedback_marks_refresh(company=company)
        generations_bump("matches")
    return FeedbackWithdrawn(withdrawn=bool(deleted), rescored=rescored)


@transaction.atomic
def matches_bulk_update(
    *,
    company: Company,
    opportunities: list[Opportunity],
    by: Viewer | None,
    stage: str | None = None,
    reason: str | None = None,
) -> BulkUpdated:
    """Set a stage on, or dismiss with REASON, several of the firm's matches in one transaction: how many, and
    whether the dismissals asked for the firm's rescore."""
    if (stage is None) == (reason is None):
        raise ValidationError({"action": _("Choose a stage or a reason to dismiss, not both.")})
    if not opportunities:
        raise ValidationError({"opportunities": _("Select at least one match.")})
    rescored = False
    for opportunity in opportunities:
        if stage is not None:
            pipeline_entry_save(company=company, opportunity=opportunity, by=by, stage=stage)
        else:
            given = match_feedback_give(company=company, opportunity=opportunity, reason=str(reason), by=by)
            rescored |= given.rescored
    return BulkUpdated(len(opportunities), rescored)
