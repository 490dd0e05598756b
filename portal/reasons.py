"""A history row's reason: what a consultant wrote or the code wrote for them, as stored and as shown.

simple-history keeps it in a column of 100 characters; reasons the code writes are English source strings (marked
with gettext_noop) that pages translate when they show them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from portal.text import labelled, punct

# simple-history stores a row's reason in a CharField(max_length=100).
REASON_MAX_LENGTH = 100


def reason_length_validate(value: str) -> None:
    """Refuse a typed reason longer than the history column holds, rather than store it cut: every admin form that
    asks for a reason (programmes.admin_curation.reason_field) checks it."""
    if len(value) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason may hold at most %(limit)s characters; this one has %(length)s."),
            code="reason_length",
            params={"limit": f"{REASON_MAX_LENGTH:,}", "length": f"{len(value):,}"},
        )


def reason_stored(reason: str | None) -> str:
    """REASON as a history row can hold it: stripped, and cut to REASON_MAX_LENGTH with an ellipsis."""
    reason = (reason or "").strip()
    return reason if len(reason) <= REASON_MAX_LENGTH else reason[: REASON_MAX_LENGTH - 1] + "…"


# The reasons code writes into history rows (marked with gettext_noop where written), stored in English as written.
# Pages and the admin show these in the reader's language; any other reason was typed by a person and is shown as
# typed, even when it happens to match a word of the catalogue.
CODE_WRITTEN_REASONS = frozenset(
    {
        gettext_noop("curated fixture load"),
        gettext_noop("curated notices load"),
        gettext_noop("Created"),
        gettext_noop("Edited"),
        gettext_noop("Published"),
        gettext_noop("Requested"),
        gettext_noop("Created in the admin"),
        gettext_noop("Edited in the admin"),
        gettext_noop("Deleted in the admin"),
        gettext_noop("Created through the API"),
        gettext_noop("Edited through the API"),
        gettext_noop("Edited in the portal"),
        gettext_noop("Profile edited"),
        gettext_noop("Ticked a suggested area on My matches"),
        gettext_noop("Ticked a suggested area on the firm's profile"),
        gettext_noop("Dismissed a suggested area on My matches"),
        gettext_noop("Dismissed a suggested area on the firm's profile"),
        gettext_noop("Undid a dismissed suggestion on the firm's profile"),
        gettext_noop("Ticked the dismissed area"),
        gettext_noop("Technology areas changed"),
        gettext_noop("Verified against its sources"),
        gettext_noop("Source added"),
        gettext_noop("Source edited"),
        gettext_noop("Source removed"),
        gettext_noop("added to the pipeline"),
        gettext_noop("changed"),
        gettext_noop("removed from the pipeline"),
        gettext_noop("the due date followed the record's new deadline"),
        gettext_noop("CSV import"),
    }
)

# Code-written reasons followed by a detail the code adds ("CSV import: firms.csv", "Moved to declined: no fit",
# "Edited in the admin: deleted source ..."), stored as written by reason_with_detail. The part before ": " reads in
# the reader's language; the detail (a file name, a reason a consultant typed) is shown as stored, but for the
# changes the admin names itself (ADMIN_EDIT_PREFIXES, read by admin_edit_text).
CODE_WRITTEN_PREFIXES = frozenset(
    {
        gettext_noop("CSV import"),
        gettext_noop("Created in the admin"),
        gettext_noop("Edited in the admin"),
        gettext_noop("Moved to requested"),
        gettext_noop("Moved to in review"),
        gettext_noop("Moved to introduced"),
        gettext_noop("Moved to declined"),
        gettext_noop("Source change reviewed (updated the record)"),
        gettext_noop("Source change reviewed (no change needed)"),
        gettext_noop("Source change reviewed (ignore this part of the page)"),
    }
)


# The prefixes whose detail the admin writes itself from what an edit's inline rows and links did
# (programmes.admin_curation.inline_changes and link_changes): "; "-separated changes, each "<verb> <the model's
# verbose name> “<the row's name>”", in the site's language (English), cut with "…" where the column ends.
ADMIN_EDIT_PREFIXES = frozenset({"Created in the admin", "Edited in the admin"})
ADMIN_EDIT_CHANGES = {
    "added": gettext_noop("added %(model)s “%(name)s”"),
    "changed": gettext_noop("changed %(model)s “%(name)s”"),
    "deleted": gettext_noop("deleted %(model)s “%(name)s”"),
    "removed": gettext_noop("removed %(model)s “%(name)s”"),
}
_ADMIN_EDIT_CHANGE = re.compile(r"(added|changed|deleted|removed) ([a-z][a-z ]*?) “(.*?)(”|…$)")


def reason_text(reason: str | None) -> str:
    """A history row's stored REASON as the reader reads it: a code-written one translated, a typed one as typed."""
    reason = reason or ""
    if reason in CODE_WRITTEN_REASONS or reason in CODE_WRITTEN_PREFIXES:
        return gettext(reason)
    prefix, colon, detail = reason.partition(": ")
    if colon and prefix in ADMIN_EDIT_PREFIXES:
        return labelled(gettext(prefix), admin_edit_text(detail))
    if colon and prefix in CODE_WRITTEN_PREFIXES:
        return labelled(gettext(prefix), detail)
    return reason


def admin_edit_text(detail: str) -> str:
    """The DETAIL the admin stored after "Edited in the admin" ("deleted source “Old page”; added source “ATLA”") in
    the reader's language: the verbs and the kinds of row translated (「出典「Old page」を削除」), the rows' names as
    stored. A detail of any other shape is shown as stored; one the column cut short inside a verb or a kind ends
    with "…"."""
    words: list[str] = []
    at = 0
    while at < len(detail):
        change = _ADMIN_EDIT_CHANGE.match(detail, at)
        if change is None:
            rest = detail[at:]
            if rest.endswith("…") and "; " not in rest and words:  # the column cut the last change short
                words.append("…")
                break
            return detail
        verb, model, name, end = change.groups()
        words.append(gettext(ADMIN_EDIT_CHANGES[verb]) % {"model": gettext(model), "name": name + end.rstrip("”")})
        at = change.end()
        if at < len(detail):
            if not detail.startswith("; ", at):
                return detail
            at += 2
    return punct(";").join(words)


def reason_with_detail(prefix: str, detail: str) -> str:
    """The stored reason PREFIX (one of CODE_WRITTEN_PREFIXES, marked with gettext_noop) with DETAIL after it, if
    any, cut to what the column holds: reason_text translates the prefix and shows the detail as stored."""
    if prefix not in CODE_WRITTEN_PREFIXES:
        raise ValueError(f"{prefix!r} is not in portal.reasons.CODE_WRITTEN_PREFIXES")
    return reason_stored(f"{prefix}: {detail}" if detail else prefix)
