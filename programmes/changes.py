"""Change events of curated records: which fields firms are told about, and the events the services write.

The one place that decides what counts as a change a firm should hear of (issue 15: dates and venue, eligibility,
status, expected dates becoming confirmed). programmes.services calls these in the same transaction as the change;
the change feed, webhooks and digests read the events (docs/alerts.md).
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation

from portal.changes import change_record, field_changes
from portal.models import ChangeEvent
from programmes.models import Opportunity, OpportunityArea

PUBLISHED, CHANGED, ARCHIVED = "opportunity.published", "opportunity.changed", "opportunity.archived"
SOURCE_REVIEWED = "source.reviewed"  # about the record whose source a consultant reviewed (sources.services)
SUBJECT = "opportunity"

# What a firm is told about when a published record changes: dates, venue, eligibility, status and what the
# matcher reads of its technology. Wording (title, summary) and curation bookkeeping are not alerts.
ENGLISH_TRACKED = (
    "kind",
    "status",
    "opens_on",
    "closes_on",
    "starts_on",
    "ends_on",
    "expected_from",
    "expected_until",
    "venue",
    "eligible_countries",
    "eligible_sizes",
    "min_trl",
    "japan_presence",
    "max_company_age",
    "japanese_entity",
    "eligibility_notes",
    "technology_areas",
    "area_weights",
    "required_certifications",
)
# A field's Japanese twin (`<field>_ja`, what /ja/ pages show in its place) counts exactly when the field does: a
# Japanese reader who reads venue_ja is told when it changes, as an English reader is of venue; title_ja and
# summary_ja stay wording, as title and summary are. Derived, so a new tracked field's twin is tracked too.
JAPANESE_TWINS = tuple(
    f"{name}_ja" for name in ENGLISH_TRACKED if any(f.name == f"{name}_ja" for f in Opportunity._meta.concrete_fields)
)
TRACKED_FIELDS = ENGLISH_TRACKED + JAPANESE_TWINS
LINKS = ("technology_areas", "area_weights", "required_certifications")  # read from the record's links, not columns
COLUMNS = tuple(name for name in TRACKED_FIELDS if name not in LINKS)


def _plain(value: Any) -> Any:
    """VALUE as JSON keeps it: dates as ISO strings, countries as codes, lists sorted."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple) or hasattr(value, "__iter__") and not isinstance(value, str | dict):
        return sorted(str(getattr(item, "code", item)) for item in value)  # lists, and countries (a list-like)
    return value


def record_snapshot(opportunity_id: int | None) -> dict[str, Any] | None:
    """The tracked values of the stored record (None for a record not saved yet), JSON-safe; three queries."""
    if opportunity_id is None:
        return None
    row = Opportunity.objects.filter(pk=opportunity_id).values(*COLUMNS).first()
    if row is None:
        return None
    stored = Opportunity(**row)  # plain values for the model's own conversions (countries)
    snapshot = {name: _plain(getattr(stored, name)) for name in COLUMNS}
    links = OpportunityArea.objects.filter(opportunity_id=opportunity_id)
    weights = dict(links.values_list("technology_area__slug", "weight"))
    snapshot["technology_areas"] = sorted(weights)
    # The weights move firms' scores as much as the areas do: {slug: weight}, in slug order.
    snapshot["area_weights"] = {slug: weights[slug] for slug in sorted(weights)}
    certifications = Opportunity.required_certifications.through.objects.filter(opportunity_id=opportunity_id)
    snapshot["required_certifications"] = sorted(certifications.values_list("certification__code", flat=True))
    return snapshot


def snapshot_deadline(snapshot: dict[str, Any] | None) -> datetime.date | None:
    """Opportunity.deadline, read from a snapshot (None for none, or no snapshot): a call's closing date or an
    event's first day."""
    if snapshot is None:
        return None
    day = snapshot["starts_on"] if snapshot["kind"] == Opportunity.Kind.EVENT else snapshot["closes_on"]
    return datetime.date.fromisoformat(day) if day else None


def _expected(snapshot: dict[str, Any]) -> bool:
    """Opportunity.expected, read from a snapshot: a window but no real date yet."""
    deadline = snapshot["starts_on"] if snapshot["kind"] == Opportunity.Kind.EVENT else snapshot["closes_on"]
    return snapshot["expected_from"] is not None and deadline is None


def record_data(opportunity: Opportunity) -> dict[str, Any]:
    """What every record event carries: slug, titles and the path of the record's page (in the default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        url = opportunity.get_absolute_url()
    return {"slug": opportunity.slug, "title": opportunity.title, "title_ja": opportunity.title_ja, "url": url}


def record_changed(*, opportunity: Opportunity, before: dict[str, Any] | None, by: User | None) -> ChangeEvent | None:
    """Write `opportunity.changed` for a published record whose tracked fields differ from BEFORE; else nothing.

    Drafts are nobody's news, and a record created by a load has no BEFORE, so loading fixtures into an empty
    database writes no per-field events.
    """
    if before is None or opportunity.status != Opportunity.Status.PUBLISHED:
        return None
    after = record_snapshot(opportunity.pk)
    changes = field_changes(before, after, TRACKED_FIELDS) if after else {}
    if not changes or after is None:
        return None
    data = record_data(opportunity)
    if _expected(before) and not _expected(after):
        data["confirmed"] = True  # the edition's real dates replaced the expected window
    return change_record(
        kind=CHANGED, subject_type=SUBJECT, subject_id=opportunity.pk, changes=changes, data=data, actor=by
    )


def record_event(*, kind: str, opportunity: Opportunity, by: User | None, **extra: Any) -> ChangeEvent:
    """Write one record event of KIND (published, archived, source reviewed) with the record's data and EXTRA."""
    data = record_data(opportunity) | extra
    return change_record(kind=kind, subject_type=SUBJECT, subject_id=opportunity.pk, data=data, actor=by)
