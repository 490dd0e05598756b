"""opportunities*.yaml: the curated records (hubs, priority areas, events, programmes, calls) with their sources.

Every write goes through the curation services the admin uses (programmes/services.py), each called only for what
differs; docs/curation.md describes the format, web/curated.py runs every loader in one transaction.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError

from portal.curation import CHANGE_REASON, LoadContext, curated_fields, plain, resolve, split_record
from programmes.curated import SOURCE_FIELDS, source_values
from programmes.models import Certification, Opportunity, Organisation, Source, TechnologyArea
from programmes.services import (
    AREAS_KEY,
    MANAGED_FIELDS,
    RELATION_FIELDS,
    opportunity_archive,
    opportunity_create,
    opportunity_publish,
    opportunity_update,
    opportunity_verify,
    sources_confidence_check,
)
from programmes.source_services import source_add, source_remove, source_update

# Opportunity fields a fixture may set directly (relations are handled below).
OPPORTUNITY_FIELDS = (
    "kind", "title", "title_ja", "summary", "description", "keywords", "eligible_countries", "eligible_sizes",
    "min_trl", "japan_presence", "eligibility_notes", "opens_on", "closes_on", "starts_on", "ends_on", "venue",
    "url", "status", "confidence", "last_verified_on", "summary_ja", "expected_from", "expected_until",
    "expected_basis", "max_company_age", "japanese_entity", "venue_ja", "expected_basis_ja",
)  # fmt: skip
OPPORTUNITY_RELATIONS = ("organisations", "areas", "required_certifications", "related", "sources")
# The services name an opportunity's weights `technology_areas` (as forms and the API do); fixtures say `areas`.
SERVICE_FIELD_NAMES = {"technology_areas": "areas"}


def opportunities_load(ctx: LoadContext, records: list[dict]) -> None:
    """opportunities*.yaml: hubs, priority areas, events, programmes and calls, with areas and sources.

    Every write goes through the curation services the admin uses (create, update, sources, publish, archive,
    verify), each called only for what differs, so the rules live there once and a second load writes nothing.
    """
    for record in records:
        slug, values, links = split_record(
            ctx, record, kind="opportunity", key="slug", fields=OPPORTUNITY_FIELDS, relations=OPPORTUNITY_RELATIONS
        )
        if not slug or ctx.kept("opportunities", Opportunity, {"slug": slug}):
            continue
        sources = source_values(ctx, slug, links.get("sources") or [])
        opportunity_check(ctx, slug, values, sources)
        opportunity, outcome = opportunity_write(ctx, slug, values, links)
        if opportunity is None:
            ctx.report.add("opportunities", outcome)
            continue
        if opportunity_state_apply(ctx, opportunity, values, sources) and outcome == "unchanged":
            outcome = "updated"
        ctx.report.add("opportunities", outcome)
        ctx.related[slug] = (ctx.file, links.get("related") or [])


def service_errors(ctx: LoadContext, slug: str, exc: ValidationError, prefix: str = "") -> None:
    """Record a curation service's refusal under the names the fixture uses."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError({SERVICE_FIELD_NAMES.get(name, name): errors for name, errors in exc.error_dict.items()})
    ctx.errors_from(slug, exc, prefix=prefix)


def opportunity_write(
    ctx: LoadContext, slug: str, values: dict[str, Any], links: dict[str, Any]
) -> tuple[Opportunity | None, str]:
    """Create the record as a draft, or update its columns, links and weights if any differ (one history row)."""
    data = {**opportunity_columns(values), **opportunity_links(ctx, slug, links)}
    opportunity = Opportunity.objects.filter(slug=slug).first()
    try:
        if opportunity is None:
            return opportunity_create(data={"slug": slug, **data}, by=None, reason=CHANGE_REASON), "created"
        if not opportunity_differs(opportunity, data):
            return opportunity, "unchanged"
        return opportunity_update(opportunity=opportunity, data=data, by=None, reason=CHANGE_REASON), "updated"
    except ValidationError as exc:
        service_errors(ctx, slug, exc)
        return None, "invalid"


def opportunity_columns(values: dict[str, Any]) -> dict[str, Any]:
    """The columns the fixture sets, omitted ones at their defaults (the fixture is the whole record).

    Status and verification are left out: only publish, archive and verify change them.
    """
    names = [name for name in curated_fields(Opportunity, values) if name not in MANAGED_FIELDS and name != "slug"]
    return {name: values.get(name, Opportunity._meta.get_field(name).get_default()) for name in names}


def opportunity_links(ctx: LoadContext, slug: str, links: dict[str, Any]) -> dict[str, Any]:
    """Organisations, required certifications and area weights, resolved; an unresolved one is left out (with an
    error, so the load fails) and the record's other problems are still reported."""
    data: dict[str, Any] = {}
    organisations = resolve(ctx, slug, "organisations", Organisation, links.get("organisations"))
    if organisations is not None:
        data["organisations"] = organisations
    certifications = resolve(
        ctx, slug, "required_certifications", Certification, links.get("required_certifications"), key="code"
    )
    if certifications is not None:
        data["required_certifications"] = certifications
    weights = links.get("areas") or {}
    if not isinstance(weights, dict):
        ctx.error(slug, "areas", "expected a mapping of area slug to weight")
        return data
    areas = resolve(ctx, slug, "areas", TechnologyArea, list(weights))
    if areas is not None:
        data[AREAS_KEY] = {area: weights[area.slug] for area in areas}
    return data


def opportunity_differs(opportunity: Opportunity, data: dict[str, Any]) -> bool:
    """True if DATA would change any of OPPORTUNITY's columns, links or area weights."""
    for name, value in data.items():
        if name == AREAS_KEY:
            current = dict(opportunity.area_links.values_list("technology_area_id", "weight"))
            if current != {area.pk: weight for area, weight in value.items()}:
                return True
        elif name in RELATION_FIELDS:
            if set(getattr(opportunity, name).values_list("pk", flat=True)) != {item.pk for item in value}:
                return True
        elif plain(getattr(opportunity, name)) != plain(column_value(name, value)):
            return True
    return False


def column_value(name: str, value: Any) -> Any:
    """VALUE as the column reads back once saved ("6" as 6, a country list as its codes), through the field."""
    if value is not None and not isinstance(value, list | dict):
        try:
            value = Opportunity._meta.get_field(name).to_python(value)
        except ValidationError:
            return value
    probe = Opportunity()
    setattr(probe, name, value)
    return getattr(probe, name)


def opportunity_state_apply(
    ctx: LoadContext, opportunity: Opportunity, values: dict[str, Any], sources: list[dict] | None
) -> bool:
    """Sources, status and verification of one saved record through their services; True if any changed.

    A record to be published gets its sources first (publish refuses a record without one); a record to be
    archived is archived first (a published record keeps its last source).
    """
    target = values.get("status", Opportunity.Status.DRAFT)
    if target not in Opportunity.Status.values:
        ctx.error(opportunity.slug, "status", f"unknown status {target!r}; use {', '.join(Opportunity.Status.values)}")
        return False
    changed = False
    try:
        if target != Opportunity.Status.PUBLISHED:
            changed |= status_move(ctx, opportunity, target)
        if sources is not None:
            changed |= sources_sync(ctx, opportunity, sources)
        if target == Opportunity.Status.PUBLISHED:
            changed |= status_move(ctx, opportunity, target)
        changed |= verified_apply(ctx, opportunity, values.get("last_verified_on"))
    except ValidationError as exc:
        service_errors(ctx, opportunity.slug, exc)
    return changed


def status_move(ctx: LoadContext, opportunity: Opportunity, target: str) -> bool:
    """Publish or archive OPPORTUNITY as the fixture says; a record never goes back to draft."""
    if opportunity.status == target:
        return False
    if target == Opportunity.Status.PUBLISHED:
        opportunity_publish(opportunity=opportunity, by=None, reason=CHANGE_REASON)
    elif target == Opportunity.Status.ARCHIVED:
        opportunity_archive(opportunity=opportunity, by=None, reason=CHANGE_REASON)
    else:
        ctx.error(opportunity.slug, "status", f"a record cannot go back to draft from {opportunity.status}; archive it")
        return False
    return True


def verified_apply(ctx: LoadContext, opportunity: Opportunity, day: Any) -> bool:
    """Record the fixture's `last_verified_on` through the verify service when it is newer information."""
    if day is None or day == opportunity.last_verified_on:
        return False
    if not isinstance(day, datetime.date):
        ctx.error(opportunity.slug, "last_verified_on", "expected a date (YYYY-MM-DD)")
        return False
    opportunity_verify(opportunity=opportunity, by=None, on=day, reason=CHANGE_REASON)
    return True


def related_sync(ctx: LoadContext) -> None:
    """`related` is symmetric: A lists B or B lists A, either links them; runs once all files are in."""
    partners: dict[str, set[str]] = {slug: set() for slug in ctx.related}
    for slug, (file_name, declared) in ctx.related.items():
        ctx.file = file_name
        if resolve(ctx, slug, "related", Opportunity, declared) is None:
            continue
        for other in declared:
            partners[slug].add(other)
            partners.setdefault(other, set()).add(slug)
    curated = set(ctx.related)
    for opportunity in Opportunity.objects.filter(slug__in=curated):
        # Links to records outside the fixtures (added by consultants) are kept.
        kept = set(opportunity.related.exclude(slug__in=curated).values_list("slug", flat=True))
        wanted = list(Opportunity.objects.filter(slug__in=partners.get(opportunity.slug, set()) | kept))
        if opportunity_differs(opportunity, {"related": wanted}):
            try:
                opportunity_update(opportunity=opportunity, data={"related": wanted}, by=None, reason=CHANGE_REASON)
            except ValidationError as exc:
                service_errors(ctx, opportunity.slug, exc)


def opportunity_check(ctx: LoadContext, slug: str, values: dict[str, Any], sources: list[dict] | None) -> None:
    """Curation rules for a published fixture: the services' all-low-sources rule, asked before the record is written,
    and no stale dates.

    "Published needs a source" is the publish service's rule (opportunity_publish), asked when the record is
    published.
    """
    if values.get("status") != Opportunity.Status.PUBLISHED:
        return
    try:
        sources_confidence_check(
            confidence=values.get("confidence", ""), source_confidences=[src.get("confidence") for src in sources or []]
        )
    except ValidationError as exc:
        ctx.errors_from(slug, exc)
    last_day = past_day(values)
    if last_day is not None and last_day < ctx.today:
        ctx.error(slug, "status", f"this {values.get('kind')} is over ({last_day}); archive it instead of publishing")


def past_day(values: dict[str, Any]) -> datetime.date | None:
    """The day after which an event or a call is over, if the fixture dates it."""
    if values.get("kind") == Opportunity.Kind.CALL:
        day = values.get("closes_on")
    elif values.get("kind") == Opportunity.Kind.EVENT:
        day = values.get("ends_on") or values.get("starts_on")
    else:
        return None
    return day if isinstance(day, datetime.date) else None


def sources_sync(ctx: LoadContext, opportunity: Opportunity, sources: list[dict]) -> bool:
    """Make the opportunity's sources match the fixture (keyed by URL) through the source services: new and
    changed ones first, then the ones no longer cited, so a published record never loses its last source."""
    existing = {source.url: source for source in opportunity.sources.all()}
    changed = False
    for index, values in enumerate(sources):
        data = {name: values.get(name, Source._meta.get_field(name).get_default()) for name in SOURCE_FIELDS}
        source = existing.get(data["url"])
        if source is not None and data == {name: getattr(source, name) for name in SOURCE_FIELDS}:
            ctx.report.add("sources", "unchanged")
            continue
        try:
            if source is None:
                source_add(opportunity=opportunity, data=data, by=None, reason=CHANGE_REASON)
            else:
                source_update(source=source, data=data, by=None, reason=CHANGE_REASON)
        except ValidationError as exc:
            ctx.errors_from(opportunity.slug, exc, prefix=f"sources[{index}].")
            continue
        ctx.report.add("sources", "created" if source is None else "updated")
        changed = True
    wanted = {values.get("url") for values in sources}
    for url, source in existing.items():
        if url not in wanted:
            source_remove(source=source, by=None, reason=CHANGE_REASON)
            changed = True
    return changed
