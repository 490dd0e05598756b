"""Every write to the curated records: validated, recorded in history with who and why, never half-saved.

The admin, the API and the commands all call these functions, so there is one publish, one archive and one verify.
Each history row carries the user (`_history_user`) and a reason (`_change_reason`); a published record that
changes is queued for rescoring once the transaction commits.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from matching import dispatch  # the one upward hook: "this record changed, rescore it" (docs/architecture.md)
from portal.history import history_links, saving_changes_nothing
from portal.reasons import reason_stored
from portal.text import punct
from programmes import changes
from programmes.models import (
    Opportunity,
    OpportunityArea,
    Source,
    TechnologyArea,
)
from programmes.rules import (  # the rules the admin's forms ask before they save
    opportunity_areas_check,
    opportunity_publishable_check,
    sources_confidence_check,
)

# Status and verification change only through publish, archive and verify, so each change carries its checks.
MANAGED_FIELDS = frozenset({"id", "status", "last_verified_on", "last_verified_by", "created_at", "updated_at"})
RELATION_FIELDS = ("organisations", "required_certifications", "related")
AREAS_KEY = "areas"

# Database constraint -> the field its message belongs to, for writes that race past full_clean().
CONSTRAINT_FIELDS = {
    "closes_after_opens": "closes_on",
    "ends_after_starts": "ends_on",
    "min_trl_range": "min_trl",
    "max_company_age_range": "max_company_age",
    "kind_valid": "kind",
    "status_valid": "status",
    "weight_range": "weight",
    "unique_opportunity_url": "url",
    "slug": "slug",
}

Record = TypeVar("Record", bound=models.Model)


# --- shared steps -----------------------------------------------------------------------------------------


def _stamp(record: models.Model, *, by: User | None, reason: str) -> None:
    """Tell simple-history who made the next history row of RECORD and why."""
    record._history_user = by  # type: ignore[attr-defined]
    record._change_reason = reason_stored(reason)  # type: ignore[attr-defined]


def _integrity_error(error: IntegrityError) -> ValidationError:
    """A constraint violation that slipped past full_clean() (a race), keyed by the field it concerns."""
    text = str(error)
    for name, field in CONSTRAINT_FIELDS.items():
        if name in text:
            return ValidationError({field: "This value breaks a database rule; reload and try again."})
    return ValidationError({NON_FIELD_ERRORS: f"The database refused the change: {text}"})


def _save(record: Record, *, by: User | None, reason: str, always: bool = False, history: bool = True) -> Record:
    """Validate RECORD, then save it with one history row naming BY and REASON.

    An edit that changes no column is not saved: it would write a history row naming no change. ALWAYS saves it
    anyway, for a row that records something the columns do not show: links the row snapshots that changed, an
    inline the reason names, or an act such as a verification. Without HISTORY it is saved with no row, for a
    change the history does not snapshot (`related`), which a row would show as a change of nothing.
    """
    record.full_clean()
    if not always and saving_changes_nothing(record):
        return record
    _stamp(record, by=by, reason=reason)
    if not history:
        record.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history reads it
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise _integrity_error(error) from error
    finally:
        if not history:
            del record.skip_history_when_saving  # type: ignore[attr-defined]
    return record


def _rescore_later(opportunity: Opportunity, *, by: User | None) -> None:
    """Record OPPORTUNITY's rescore, asked for by BY; it is enqueued when the transaction commits."""
    dispatch.opportunity_rescore_later(opportunity_id=opportunity.pk, by=by)


def validation_error_text(error: ValidationError, model: type[models.Model] | None = None) -> str:
    """ERROR as one line naming each field ("sources: Cannot publish without a source."), for admin and commands.

    With MODEL, each field is named as the model names it, in the reader's language (the admin's messages: "出典：…"
    on /ja/); without, by its key, as commands and the CSV import report it."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        text = " ".join(messages)
        name = field if model is None else _field_label(model, field)
        parts.append(text if field == NON_FIELD_ERRORS else f"{name}{punct(':')}{text}")
    return punct("|").join(parts)


def _field_label(model: type[models.Model], name: str) -> str:
    """NAME's verbose name on MODEL (a reverse relation's: the related model's plural), else NAME itself."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if field.auto_created and field.related_model is not None:  # sources, the records' reverse relation
        return str(field.related_model._meta.verbose_name_plural)
    return str(getattr(field, "verbose_name", name))


# --- opportunities ------------------------------------------------------------------------------------------


def _split(
    data: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Iterable[models.Model]], dict[TechnologyArea, float] | None]:
    """DATA as (column values, many-to-many values, area weights), refusing fields services manage themselves."""
    editable = {field.name for field in Opportunity._meta.concrete_fields} - MANAGED_FIELDS
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    relations: dict[str, Iterable[models.Model]] = {}
    weights = None
    for name, value in data.items():
        if name in editable:
            fields[name] = value
        elif name in RELATION_FIELDS:
            relations[name] = list(value)
        elif name == AREAS_KEY:
            weights = _checked_weights(value)
        elif name in MANAGED_FIELDS:
            errors[name] = "Change this with publish, archive or verify, not by editing."
        else:
            errors[name] = "Unknown field."
    if errors:
        raise ValidationError(errors)
    return fields, relations, weights


def _checked_weights(weights: Mapping[TechnologyArea, float]) -> dict[TechnologyArea, float]:
    """WEIGHTS as floats, refusing any outside 0-1 (the field is technology_areas, as forms and the API name it)."""
    checked: dict[TechnologyArea, float] = {}
    bad = []
    for area, weight in dict(weights).items():
        try:
            value = float(weight)
        except (TypeError, ValueError):
            value = -1.0
        if not 0.0 <= value <= 1.0:
            bad.append(f"{area.slug} ({weight!r})")
        checked[area] = value
    if bad:
        raise ValidationError({"technology_areas": f"Weights must be between 0 and 1: {', '.join(bad)}."})
    return checked


def _check_relations(opportunity: Opportunity, relations: Mapping[str, Iterable[models.Model]]) -> None:
    """Refuse an opportunity listed as related to itself."""
    if opportunity.pk and any(other.pk == opportunity.pk for other in relations.get("related", [])):
        raise ValidationError({"related": gettext("An opportunity cannot be related to itself.")})


def _relations_apply(
    opportunity: Opportunity,
    relations: Mapping[str, Iterable[models.Model]],
    weights: Mapping[TechnologyArea, float] | None,
) -> set[str]:
    """Write the many-to-many links and area weights without history rows of their own; the names of the fields
    that changed (`technology_areas` for the weights).

    simple-history writes a row per m2m signal; the caller writes one row afterwards that snapshots them all.
    """
    changed: set[str] = set()
    opportunity.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        for name, values in relations.items():
            manager = getattr(opportunity, name)
            wanted = {value.pk for value in values}
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                changed.add(name)
        if weights is not None and _weights_apply(opportunity, weights):
            changed.add("technology_areas")
    finally:
        del opportunity.skip_history_when_saving  # type: ignore[attr-defined]
    return changed


def _weights_apply(opportunity: Opportunity, weights: Mapping[TechnologyArea, float]) -> bool:
    """Make OPPORTUNITY's area links exactly WEIGHTS; True if anything changed."""
    links = OpportunityArea.objects.filter(opportunity=opportunity)
    current = dict(links.values_list("technology_area_id", "weight"))
    wanted = {area.pk: weight for area, weight in weights.items()}
    if current == wanted:
        return False
    links.exclude(technology_area_id__in=wanted).delete()
    for area_pk, weight in wanted.items():
        OpportunityArea.objects.update_or_create(
            opportunity=opportunity, technology_area_id=area_pk, defaults={"weight": weight}
        )
    return True


def _set_status(opportunity: Opportunity, status: str, *, by: User | None, reason: str) -> Opportunity:
    """Move OPPORTUNITY to STATUS with a history row; the instance keeps its old status if the save fails."""
    previous = opportunity.status
    opportunity.status = status
    try:
        return _save(opportunity, by=by, reason=reason)
    except BaseException:
        opportunity.status = previous
        raise


@transaction.atomic
def opportunity_create(
    *, data: Mapping[str, Any], by: User | None, reason: str, instance: Opportunity | None = None
) -> Opportunity:
    """Create a draft opportunity from DATA (columns, organisations, ..., and areas={area: weight}).

    New records start as drafts; opportunity_publish makes them public once they cite a source.
    INSTANCE lets the admin pass the unsaved object its form built, so its inlines attach to it.
    """
    opportunity = instance if instance is not None else Opportunity()
    fields, relations, weights = _split(data)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.status = Opportunity.Status.DRAFT
    _save(opportunity, by=by, reason=reason or gettext_noop("Created"))
    if _relations_apply(opportunity, relations, weights) & history_links(Opportunity):
        # One more row so the history shows the links as set at creation, by the same person.
        _save(opportunity, by=by, reason=reason or gettext_noop("Created"), always=True)
    return opportunity


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, data: Mapping[str, Any], by: User | None, reason: str, inline_changed: bool = False
) -> Opportunity:
    """Change OPPORTUNITY's columns, links and area weights from DATA in one history row; rescore if published.

    Nothing is written when nothing changed, unless INLINE_CHANGED: the caller also changed rows the record's own
    row does not show (the admin's sources), which REASON names.
    """
    fields, relations, weights = _split(data)
    _check_relations(opportunity, relations)
    before = changes.record_snapshot(opportunity.pk)  # from the database: a form may have changed the instance
    for name, value in fields.items():
        setattr(opportunity, name, value)
    # Links go first so the one history row below snapshots them; a failed save rolls them back.
    links_changed = _relations_apply(opportunity, relations, weights)
    if weights is not None or "kind" in fields:
        area_count = OpportunityArea.objects.filter(opportunity=opportunity).count()
        opportunity_areas_check(kind=opportunity.kind, status=opportunity.status, area_count=area_count)
    columns_unchanged = saving_changes_nothing(opportunity)
    if not (links_changed or inline_changed) and columns_unchanged:
        return opportunity  # no history row, no change event, no rescore
    # A history row only for what the history shows: `related` alone would read as "Changed" naming nothing.
    shown = inline_changed or not columns_unchanged or bool(links_changed & history_links(Opportunity))
    _save(opportunity, by=by, reason=reason or gettext_noop("Edited"), always=True, history=shown)
    changes.record_changed(opportunity=opportunity, before=before, by=by)
    old_deadline = changes.snapshot_deadline(before)
    if old_deadline is not None and opportunity.deadline is not None and old_deadline != opportunity.deadline:
        dispatch.opportunity_deadline_moved(opportunity_id=opportunity.pk, old=old_deadline, new=opportunity.deadline)
    if "technology_areas" in links_changed:
        dispatch.opportunity_areas_changed(opportunity_id=opportunity.pk)
    if opportunity.status == Opportunity.Status.PUBLISHED:
        _rescore_later(opportunity, by=by)
    return opportunity


def opportunity_areas_set(
    *, opportunity: Opportunity, weights: Mapping[TechnologyArea, float], by: User | None, reason: str = ""
) -> Opportunity:
    """Replace OPPORTUNITY's technology areas with WEIGHTS ({area: 0-1}); rescore if published."""
    return opportunity_update(
        opportunity=opportunity,
        data={AREAS_KEY: weights},
        by=by,
        reason=reason or gettext_noop("Technology areas changed"),
    )


def opportunity_area_set(
    *, opportunity: Opportunity, area: TechnologyArea, weight: float, by: User | None, reason: str = ""
) -> Opportunity:
    """Add AREA to OPPORTUNITY, or change its weight, leaving the other areas as they are."""
    weights = {link.technology_area: link.weight for link in opportunity.area_links.select_related("technology_area")}
    weights[area] = weight
    return opportunity_areas_set(opportunity=opportunity, weights=weights, by=by, reason=reason)


def _published_sources_check(opportunity: Opportunity, confidences: Iterable[str]) -> None:
    if opportunity.status == Opportunity.Status.PUBLISHED:
        sources_confidence_check(confidence=opportunity.confidence, source_confidences=confidences)


@transaction.atomic
def opportunity_publish(*, opportunity: Opportunity, by: User | None, reason: str = "") -> Opportunity:
    """Make OPPORTUNITY public and scored; refused for a record without a source or one that fails validation."""
    if opportunity.status == Opportunity.Status.PUBLISHED:
        return opportunity
    confidences = list(Source.objects.filter(opportunity=opportunity).values_list("confidence", flat=True))
    opportunity_publishable_check(source_count=len(confidences))
    area_count = OpportunityArea.objects.filter(opportunity=opportunity).count()
    opportunity_areas_check(kind=opportunity.kind, status=Opportunity.Status.PUBLISHED, area_count=area_count)
    sources_confidence_check(confidence=opportunity.confidence, source_confidences=confidences)
    _set_status(opportunity, Opportunity.Status.PUBLISHED, by=by, reason=reason or gettext_noop("Published"))
    changes.record_event(kind=changes.PUBLISHED, opportunity=opportunity, by=by)
    _rescore_later(opportunity, by=by)
    return opportunity


@transaction.atomic
def opportunity_archive(*, opportunity: Opportunity, by: User | None, reason: str) -> Opportunity:
    """Withdraw OPPORTUNITY from listings and scoring; the reason is required because archiving hides a record."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the record is archived."})
    if opportunity.status == Opportunity.Status.ARCHIVED:
        return opportunity
    was_published = opportunity.status == Opportunity.Status.PUBLISHED
    _set_status(opportunity, Opportunity.Status.ARCHIVED, by=by, reason=reason)
    if was_published:
        changes.record_event(kind=changes.ARCHIVED, opportunity=opportunity, by=by)  # drafts were nobody's news
        _rescore_later(opportunity, by=by)  # so the matcher drops its matches
    return opportunity


@transaction.atomic
def opportunity_verify(
    *, opportunity: Opportunity, by: User | None, on: datetime.date | None = None, reason: str = ""
) -> Opportunity:
    """Record that BY checked OPPORTUNITY against its sources ON a day (today by default)."""
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"last_verified_on": "A record cannot be verified on a future date."})
    previous = (opportunity.last_verified_on, opportunity.last_verified_by)
    opportunity.last_verified_on, opportunity.last_verified_by = day, by
    try:
        # A verification is an act: it has its row even when the same person verified the record earlier today.
        return _save(opportunity, by=by, reason=reason or gettext_noop("Verified against its sources"), always=True)
    except BaseException:
        opportunity.last_verified_on, opportunity.last_verified_by = previous
        raise
