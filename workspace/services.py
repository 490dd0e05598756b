"""Every write of the workspace app: pipeline entries, bulk actions and "not relevant" feedback.

Views, the API, the admin and commands all call these. Feedback of the reason `wrong_technology` refreshes the
scorer's marks (matching.marks) in the same transaction and enqueues the firm's rescore on commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from companies.models import Company, Membership
from matching import dispatch  # workspace sits above matching: rescoring a firm is a plain call down
from matching.marks import feedback_marks_replace
from portal.generations import generations_bump
from portal.roles import Viewer
from portal.text import punct
from programmes.models import Opportunity, OpportunityArea
from workspace.models import MatchFeedback, PipelineEntry

UNSET = object()


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
# The fields of an entry a person edits, as its page's form, the admin and the history name them, each with its
# column (the owner is stored as its user's id): the one list the conflict check, the merge and the history read.
ENTRY_FIELDS = (("stage", "stage"), ("owner", "owner_id"), ("due_on", "due_on"), ("notes", "notes"))
# Versions that name no one save: "any" (If-Match: *) needs the entry to exist, NO_ENTRY that there is none yet
# (If-None-Match: *, or the form of an entry someone removed, so saving it again adds it back and no more).
ANY_VERSION, NO_ENTRY = "*", "none"
# A pipeline entry's history reasons, stored in English and translated where the history is shown.
ADDED, CHANGED, REMOVED = (
    gettext_noop("added to the pipeline"),
    gettext_noop("changed"),
    gettext_noop("removed from the pipeline"),
)


class PipelineEntryConflict(Exception):
    """A change drawn from an older version of the entry than the stored one: someone saved it in between, so the
    change is refused rather than written over theirs (optimistic concurrency). ENTRY is the entry as it is now (None
    once removed), CHANGED the fields that differ from the version the change was drawn from, BY who saved last."""

    def __init__(self, *, entry: PipelineEntry | None, changed: list[str], by: User | None) -> None:
        super().__init__("The pipeline entry changed since this change was drawn from it.")
        self.entry, self.changed, self.by = entry, changed, by

    def said(self) -> str:
        """The refusal in the reader's language, naming who changed which fields (the page and the admin say it)."""
        if self.entry is None:
            return _(
                "This entry was removed from the pipeline after you opened it. Nothing was saved: save again to add "
                "it back with what you typed."
            )
        labels = punct(",").join(entry_field_label(name) for name in self.changed)
        return _(
            "%(who)s saved this entry after you opened it, changing: %(fields)s. Nothing was saved. The form now holds "
            "their changes and yours; where you both changed a field, it keeps what you typed and shows their value "
            "beside it. Save again to keep this version."
        ) % {"who": self.who(), "fields": labels}

    def said_on_removal(self) -> str:
        """The refusal of a removal drawn from an older version, naming who changed which fields."""
        if self.entry is None:
            return _("This entry had already been removed from the pipeline.")
        labels = punct(",").join(entry_field_label(name) for name in self.changed)
        return _(
            "%(who)s saved this entry after you opened it, changing: %(fields)s. It was not removed: check the entry "
            "as it is now, and remove it again if you still mean to."
        ) % {"who": self.who(), "fields": labels}

    def who(self) -> str:
        """Who saved last, or "Someone" when the history does not say."""
        return self.by.get_username() if self.by is not None else _("Someone")

    def clash_said(self, name: str) -> str:
        """Beside field NAME, which both sides changed: the other side's value, and that the form keeps the user's."""
        assert self.entry is not None  # a removed entry has no values to show
        return _("%(who)s changed this meanwhile to: %(value)s. Your value is kept here.") % {
            "who": self.who(),
            "value": entry_value_said(self.entry, name),
        }


def entry_field_label(name: str) -> str:
    """The label of the entry's field NAME in the reader's language ("Notes")."""
    return str(capfirst(getattr(PipelineEntry._meta.get_field(name), "verbose_name", name)))


def entry_value_said(entry: PipelineEntry, name: str) -> str:
    """ENTRY's value of field NAME as a reader sees it: the stage's label, the owner's username, a date in words."""
    if name == "stage":
        return str(entry.get_stage_display())
    if name == "owner":
        return entry.owner.get_username() if entry.owner else "—"
    if name == "due_on":
        return date_format(entry.due_on, "DATE_FORMAT") if entry.due_on else "—"
    return str(getattr(entry, name)) or "—"


@dataclass(frozen=True)
class EntryMerge:
    """What a refused form holds when drawn again from the entry as it is now (pipeline_entry_merge)."""

    values: dict[str, Any]  # field -> column value (the owner as its user's id) the form now holds
    clashes: list[str]  # fields both sides changed: the form keeps the user's value, theirs is shown beside it


def pipeline_entry_merge(*, entry: PipelineEntry, version: str, posted: dict[str, Any]) -> EntryMerge:
    """Merge POSTED (a refused form's values by field) with ENTRY as it is now, three ways against the entry at
    VERSION, the one the form was drawn from: a field the user left as it was takes the stored value, so saving
    again reverts nobody's change; a field the user changed keeps the user's value, and is a clash when the other
    side changed it too. Without VERSION's history row nothing is known to be untouched: every posted value is kept."""
    then = _version_row(entry, version)
    values: dict[str, Any] = {}
    clashes = []
    for name, column in ENTRY_FIELDS:
        if name not in posted:
            continue
        mine, theirs = _as_column(posted[name]), getattr(entry, column)
        base = getattr(then, column) if then is not None else UNSET
        if _same(mine, base):
            values[name] = theirs
            continue
        values[name] = mine
        if not _same(theirs, base) and not _same(theirs, mine):
            clashes.append(name)
    return EntryMerge(values, clashes)


def _as_column(value: object) -> object:
    """A form's value as its column stores it: a user as its id, an empty text as the empty text."""
    return value.pk if isinstance(value, User) else value


def _same(one: object, other: object) -> bool:
    """Whether two stored values are the same, a browser's CRLF line ends read as LF (a textarea posts CRLF)."""
    if isinstance(one, str) and isinstance(other, str):
        return one.replace("\r\n", "\n") == other.replace("\r\n", "\n")
    return one == other


def pipeline_entry_version(entry: PipelineEntry) -> str:
    """The token of the entry's current version, which a form or an API client hands back with its change: every
    save gives a new one (its `updated_at`, to the microsecond)."""
    return entry.updated_at.isoformat()


def pipeline_entry_version_check(entry: PipelineEntry | None, version: str | None) -> None:
    """Refuse (PipelineEntryConflict) a change drawn from VERSION when ENTRY (locked; None: there is none) is no
    longer at it. ANY_VERSION needs an entry, NO_ENTRY needs none; None checks nothing."""
    if version is None or (version == ANY_VERSION and entry is not None) or (version == NO_ENTRY and entry is None):
        return
    if entry is None:
        raise PipelineEntryConflict(entry=None, changed=[], by=None)
    if version not in (ANY_VERSION, NO_ENTRY) and pipeline_entry_version(entry) == version:
        return
    latest = entry.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    then = _version_row(entry, version)
    # Without the version's history row (a token from elsewhere; an entry added meanwhile), every field is named.
    changed = [name for name, column in ENTRY_FIELDS if then is None or getattr(then, column) != getattr(entry, column)]
    raise PipelineEntryConflict(entry=entry, changed=changed, by=latest.history_user if latest else None)


def _version_row(entry: PipelineEntry, version: str) -> Any:
    """ENTRY's history row as it stood at VERSION, or None (an unknown or malformed token)."""
    try:
        when = datetime.datetime.fromisoformat(version)
    except ValueError:
        return None
    if timezone.is_naive(when):
        return None
    return entry.history.filter(updated_at=when).order_by("-history_date", "-history_id").first()


def workspace_can_edit(*, user: Viewer | None, company: Company) -> bool:
    """Consultants and the firm's editors change its workspace; viewers read it."""
    return Company.objects.editable_by(user).filter(pk=company.pk).exists()


def workspace_edit_check(*, user: Viewer | None, company: Company) -> None:
    """Refuse (PermissionDenied, with the reason) anyone who may not change the firm's workspace."""
    if not workspace_can_edit(user=user, company=company):
        raise PermissionDenied(_("Only the firm's editors can change its workspace."))


def firm_staff(*, company: Company) -> QuerySet[User]:
    """The users who may own the firm's pipeline entries: its staff (members, whatever their role)."""
    return User.objects.filter(memberships__company=company, is_active=True).order_by("username")


def _owner(company: Company, owner: object) -> User | None:
    if owner in (None, ""):
        return None
    if isinstance(owner, str):
        found = firm_staff(company=company).filter(username=owner).first()
    elif isinstance(owner, User) and Membership.objects.filter(company=company, user=owner).exists():
        found = owner
    else:
        found = None
    if found is None:
        raise ValidationError({"owner": _("The owner must be one of the firm's staff.")})
    return found


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
        entry.owner = _owner(company, owner)
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
