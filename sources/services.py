"""Checking sources for change and reviewing what changed; the command, the task, the admin and tests call these."""

import datetime
import difflib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from portal import http
from portal.reasons import reason_with_detail
from portal.text import labelled
from programmes import changes
from programmes.models import Opportunity, Source
from programmes.services import opportunity_verify
from sources.models import REVIEW_NOTE_MAX, SourceChange, SourceFetch, SourceWatch
from sources.text import page_text, text_hash

Outcome = SourceFetch.Outcome
BATCH = 100  # sources fetched, then written in one transaction


@dataclass
class CheckReport:
    """How many sources each outcome had in one run."""

    counts: Counter[str]

    def line(self) -> str:
        return ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.counts.items())) or "nothing due"


def outcomes_text(counts: Counter[str]) -> str:
    """COUNTS of fetch outcomes in the reader's language ("Failed: 1, Changed: 2"), for the admin's messages."""
    if not counts:
        return gettext("Nothing was checked")
    labels = dict(Outcome.choices)
    return ", ".join(labelled(labels[outcome], count) for outcome, count in sorted(counts.items()))


def source_watches_sync(*, interval_days: int | None = None) -> int:
    """Start watching every source that has no watch yet; returns how many were added."""
    interval = interval_days or settings.SOURCES_CHECK_EVERY_DAYS
    missing = Source.objects.filter(watch__isnull=True).values_list("pk", flat=True)
    watches = [SourceWatch(source_id=pk, interval_days=interval) for pk in missing]
    SourceWatch.objects.bulk_create(watches, ignore_conflicts=True)
    return len(watches)


def sources_limit_check(limit: int | None) -> None:
    """Refuse a LIMIT under 1: 0 would otherwise read as "no limit" and fetch every due source."""
    if limit is not None and limit < 1:
        raise ValidationError(
            {"limit": f"At most how many sources to check: a whole number of 1 or more, not {limit}."}
        )


def sources_check(*, source_id: int | None = None, limit: int | None = None) -> CheckReport:
    """Fetch every due source (or just SOURCE_ID, due or not) once and record the outcomes.

    Pages are fetched by SOURCES_FETCH_THREADS threads (the HTTP client still allows one request at a time per
    host), and each batch's results are written in one transaction, so the database never waits on the network.
    """
    sources_limit_check(limit)
    source_watches_sync()
    if source_id is not None:
        watches = SourceWatch.objects.filter(source_id=source_id)
        if not watches.exists():
            raise ValidationError({"source": f"No source with id {source_id}."})
    else:
        watches = SourceWatch.objects.due().order_by("next_check_at", "pk")
    pks = list(watches.values_list("pk", flat=True)[:limit] if limit else watches.values_list("pk", flat=True))
    counts: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=settings.SOURCES_FETCH_THREADS) as pool:
        for start in range(0, len(pks), BATCH):
            batch = list(SourceWatch.objects.filter(pk__in=pks[start : start + BATCH]).select_related("source"))
            answers = list(pool.map(_fetch, batch))
            with transaction.atomic():
                for watch, answer in zip(batch, answers, strict=True):
                    counts[_record(watch, answer).outcome] += 1
    return CheckReport(counts)


def source_check(*, watch: SourceWatch, now: datetime.datetime | None = None) -> SourceFetch:
    """Fetch WATCH's page once and record what came of it: unchanged, changed, redirect or failure."""
    return _record(watch, _fetch(watch), now=now)


def _fetch(watch: SourceWatch) -> http.FetchResult | http.FetchError:
    """The answer for WATCH's page, or the error: no database access, so threads may run it."""
    moved = _address_edited(watch)
    try:
        return http.fetch(
            watch.source.url, etag="" if moved else watch.etag, last_modified="" if moved else watch.last_modified
        )
    except http.FetchError as error:
        # Kept until the batch is written: drop the traceback, whose frames hold the partial body.
        return error.with_traceback(None)


def _record(
    watch: SourceWatch, result: http.FetchResult | http.FetchError, *, now: datetime.datetime | None = None
) -> SourceFetch:
    """Keep what one fetch found: the failure, redirect, 304, first text, same text or a change."""
    now = now or timezone.now()
    if isinstance(result, http.FetchError):
        return _failed(watch, result, now)
    if result.redirect_to:
        return _redirected(watch, result, now)
    if _address_edited(watch):  # what the watch holds is another page's: this one is read as new
        watch.text, watch.text_hash, watch.ignored_lines = "", "", []
        watch.etag, watch.last_modified = "", ""
    watch.url = watch.source.url
    if result.not_modified:
        return _settle(watch, now, status=304, outcome=Outcome.NOT_MODIFIED)
    text = page_text(result.body, result.content_type, ignored=frozenset(watch.ignored_lines))
    watch.etag, watch.last_modified = result.etag[:300], result.last_modified[:100]
    digest = text_hash(text)
    if not watch.text_hash:
        outcome = Outcome.FIRST
    elif digest == watch.text_hash:
        outcome = Outcome.UNCHANGED
    else:
        outcome = Outcome.CHANGED
    with transaction.atomic():
        if outcome == Outcome.CHANGED:
            _change_record(watch, old=watch.text, new=text, now=now)
        watch.text, watch.text_hash = text, digest
        return _settle(watch, now, status=result.status, outcome=outcome, digest=digest)


def _address_edited(watch: SourceWatch) -> bool:
    """Whether the source's address changed since the watch last read a page (a watch that never read one has none)."""
    return bool(watch.url) and watch.url != watch.source.url


def _settle(watch: SourceWatch, now: datetime.datetime, *, status: int, outcome: str, digest: str = "") -> SourceFetch:
    """A successful answer: reset the failure count, schedule the next check, keep the fetch."""
    watch.failures, watch.last_error, watch.redirect_to = 0, "", ""
    watch.state = SourceWatch.State.OK
    watch.last_status, watch.last_checked_at = status, now
    watch.next_check_at = now + datetime.timedelta(days=watch.interval_days)
    watch.save()
    return SourceFetch.objects.create(
        watch=watch, fetched_at=now, status=status, outcome=outcome, text_hash=digest or watch.text_hash
    )


def _failed(watch: SourceWatch, error: http.FetchError, now: datetime.datetime) -> SourceFetch:
    """Count the failure; after SOURCES_UNREACHABLE_AFTER in a row the source is unreachable (and its record stale)."""
    watch.failures += 1
    unreachable = watch.failures >= settings.SOURCES_UNREACHABLE_AFTER
    watch.state = SourceWatch.State.UNREACHABLE if unreachable else SourceWatch.State.FAILING
    watch.last_error = f"{error.kind}: {error}"[:500]
    watch.last_status, watch.last_checked_at = error.status, now
    # Try again tomorrow rather than in a week: one failure is not an alarm, three are.
    watch.next_check_at = now + datetime.timedelta(days=1)
    watch.save()
    return SourceFetch.objects.create(
        watch=watch, fetched_at=now, status=error.status, outcome=Outcome.FAILED, error=watch.last_error
    )


def _redirected(watch: SourceWatch, result: http.FetchResult, now: datetime.datetime) -> SourceFetch:
    """A page that moved: shown for review once per new address, never followed silently."""
    with transaction.atomic():
        already = watch.changes.open().filter(kind=SourceChange.Kind.REDIRECT, redirect_to=result.redirect_to)
        if not already.exists():
            SourceChange.objects.create(
                watch=watch, kind=SourceChange.Kind.REDIRECT, detected_at=now, redirect_to=result.redirect_to[:500]
            )
        watch.state, watch.redirect_to = SourceWatch.State.REDIRECTED, result.redirect_to[:500]
        watch.failures, watch.last_status, watch.last_checked_at = 0, result.status, now
        watch.next_check_at = now + datetime.timedelta(days=watch.interval_days)
        watch.save()
        return SourceFetch.objects.create(watch=watch, fetched_at=now, status=result.status, outcome=Outcome.REDIRECT)


def _change_record(watch: SourceWatch, *, old: str, new: str, now: datetime.datetime) -> SourceChange:
    diff = "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=2))
    return SourceChange.objects.create(watch=watch, detected_at=now, old_text=old, new_text=new, diff=diff)


# --- reviews ------------------------------------------------------------------------------------------------

# Stored in English in the record's history (as every reason is); pages show them with gettext.
REVIEW_ACTIONS: dict[str, str] = {
    SourceChange.Status.UPDATED: gettext_noop("updated the record"),
    SourceChange.Status.NO_CHANGE: gettext_noop("no change needed"),
    SourceChange.Status.IGNORED: gettext_noop("ignore this part of the page"),
}


def review_actions_for(change: SourceChange) -> list[str]:
    """The answers CHANGE may be given: every one for a text change; a redirect has no lines to ignore."""
    if change.kind == SourceChange.Kind.REDIRECT:
        return [action for action in REVIEW_ACTIONS if action != SourceChange.Status.IGNORED]
    return list(REVIEW_ACTIONS)


# The record's history row for each answer: the answer first, so a long source address never cuts it off, and a
# prefix portal.reasons translates where the row is read; the change's number, the note and the address follow.
REVIEW_REASONS: dict[str, str] = {
    SourceChange.Status.UPDATED: gettext_noop("Source change reviewed (updated the record)"),
    SourceChange.Status.NO_CHANGE: gettext_noop("Source change reviewed (no change needed)"),
    SourceChange.Status.IGNORED: gettext_noop("Source change reviewed (ignore this part of the page)"),
}


def review_note_check(note: str) -> str:
    """NOTE as a review keeps it (stripped), or a ValidationError naming `review_note` when it is longer than
    REVIEW_NOTE_MAX: the change page and every other caller of source_change_review get the same refusal."""
    # Line breaks as the note box counts them (one character each; browsers send CRLF), so a note that fits the box
    # fits the change.
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > REVIEW_NOTE_MAX:
        said = gettext("The note may hold at most %(limit)s characters; this one has %(length)s.")
        raise ValidationError({"review_note": said % {"limit": f"{REVIEW_NOTE_MAX:,}", "length": f"{len(note):,}"}})
    return note


@transaction.atomic
def source_change_review(*, change: SourceChange, action: str, by: User | None, note: str = "") -> SourceChange:
    """Close CHANGE with ACTION (updated / no_change / ignored) and write the review into the record's history."""
    if action not in REVIEW_ACTIONS:
        raise ValidationError({"action": f"Unknown review action {action!r}; use one of {', '.join(REVIEW_ACTIONS)}."})
    note = review_note_check(note)
    change = SourceChange.objects.select_for_update().select_related("watch__source__opportunity").get(pk=change.pk)
    if change.status != SourceChange.Status.OPEN:
        said = gettext("This change was already reviewed (%(status)s).") % {"status": change.get_status_display()}
        raise ValidationError({"status": said})
    if action not in review_actions_for(change):
        # A redirect brings no page text: "ignoring" its lines would wipe the text the next check compares with.
        said = gettext(
            "A redirect has no lines to ignore: answer it “updated the record” once the source's address is edited, "
            "or “no change needed” if it stays, then use “Redirect reviewed: watch the page again” on the source."
        )
        raise ValidationError({"action": said})
    opportunity = change.watch.source.opportunity
    detail = "; ".join(part for part in (f"#{change.pk}", note, change.watch.source.url) if part)
    reason = reason_with_detail(REVIEW_REASONS[action], detail)
    # "Updated the record" links the consultant's edit: the newest history row before this review's own.
    edit_id = opportunity.history.values_list("history_id", flat=True).first()
    if action == SourceChange.Status.IGNORED:
        _ignore_lines(change)
        _history_note(opportunity, by=by, reason=reason)
    else:
        opportunity_verify(opportunity=opportunity, by=by, reason=reason)
    review_id = opportunity.history.values_list("history_id", flat=True).first()
    change.status, change.reviewed_by, change.reviewed_at = action, by, timezone.now()
    change.review_note = note
    change.record_history_id = edit_id if action == SourceChange.Status.UPDATED else review_id
    change.save()
    if opportunity.status == Opportunity.Status.PUBLISHED:
        changes.record_event(
            kind=changes.SOURCE_REVIEWED,
            opportunity=opportunity,
            by=by,
            source_url=change.watch.source.url,
            decision=action,
        )
    return change


def _ignore_lines(change: SourceChange) -> None:
    """Never count the lines this change added or removed as a change again."""
    watch = change.watch
    removed, added = change.diff_lines()
    watch.ignored_lines = sorted(set(watch.ignored_lines) | set(removed) | set(added))
    watch.text = "\n".join(line for line in change.new_text.splitlines() if line not in watch.ignored_lines)
    watch.text_hash = text_hash(watch.text)
    watch.save(update_fields=["ignored_lines", "text", "text_hash"])


def _history_note(opportunity: Opportunity, *, by: User | None, reason: str) -> None:
    """One history row on the record, with no field changed, saying what the review decided."""
    opportunity._history_user = by  # type: ignore[attr-defined]
    opportunity._change_reason = reason  # type: ignore[attr-defined]  # cut to the column by reason_with_detail
    opportunity.save(update_fields=["updated_at"])


def source_watch_interval_set(*, watch: SourceWatch, interval_days: int) -> SourceWatch:
    """Check WATCH's page every INTERVAL_DAYS days; a reachable page's next check follows the new interval at once.

    A failing, unreachable or redirected page keeps its next check (tomorrow's retry, or none until reviewed).
    """
    watch.interval_days = interval_days
    watch.full_clean()  # names interval_days: 0 would be checked on every run
    if watch.state == SourceWatch.State.OK and watch.last_checked_at:
        watch.next_check_at = watch.last_checked_at + datetime.timedelta(days=interval_days)
    watch.save(update_fields=["interval_days", "next_check_at"])
    return watch


def source_watch_dismiss_redirect(*, watch: SourceWatch) -> None:
    """After a redirect was reviewed (the source URL edited or kept), watch the page normally again.

    Only a redirected source: an unreachable or failing one would be marked "ok" without a single success, and
    drop off the queue's unreachable list and its record's "stale" badge.
    """
    if watch.state != SourceWatch.State.REDIRECTED:
        said = gettext("%(source)s is not redirected (%(state)s): it is left as it is.")
        raise ValidationError({"state": said % {"source": watch.source.url, "state": watch.get_state_display()}})
    watch.state, watch.redirect_to = SourceWatch.State.OK, ""
    watch.next_check_at = timezone.now()
    watch.save(update_fields=["state", "redirect_to", "next_check_at"])
