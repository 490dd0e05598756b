"""The curated-fixture loaders of the programmes app: organisations, areas, certifications, sources, opportunities.

The files reference each other by slug or code, never by primary key, so consultants can read and edit them.
docs/curation.md describes the format; portal/curation.py holds the loader kit and web/curated.py runs every loader
in one transaction.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError

from portal.curation import (
    CHANGE_REASON,
    LoadContext,
    links_sync,
    m2m_sync,
    resolve,
    split_record,
    upsert,
)
from programmes.models import (
    Certification,
    Confidence,
    Opportunity,
    OpportunityArea,
    Organisation,
    Source,
    TechnologyArea,
)
from programmes.services import opportunity_publishable_check

REQUIRED_AREA_SLUGS = (
    "iamd counter-hypersonic railgun stand-off-strike directed-energy counter-uas uuv usv ugv uav next-gen-fighter "
    "space cyber electronic-warfare c2-isr ai-autonomy quantum semiconductors critical-minerals "
    "advanced-manufacturing sustainment"
).split()
HUB_SLUGS = ("rapid-acquisition-hub", "startup-council-hub", "startup-tech-proposal-hub")


# ---------------------------------------------------------------------------------------------------------------
# Per-file loaders


def organisations_load(ctx: LoadContext, records: list[dict]) -> None:
    """organisations.yaml: ministries, agencies and trade bodies, keyed by slug."""
    fields = ("name", "name_ja", "acronym", "country", "url", "description", "source_url")
    for record in records:
        slug, values, _ = split_record(ctx, record, kind="organisation", key="slug", fields=fields)
        if slug:
            _, outcome = upsert(ctx, Organisation, lookup={"slug": slug}, values=values)
            ctx.report.add("organisations", outcome)


def technology_areas_load(ctx: LoadContext, records: list[dict]) -> None:
    """technology_areas.yaml: the 21 fixed areas with their names, descriptions and keywords."""
    fields = ("name", "name_ja", "description", "keywords", "related_terms")
    for record in records:
        slug, values, _ = split_record(ctx, record, kind="area", key="slug", fields=fields)
        if slug:
            _, outcome = upsert(ctx, TechnologyArea, lookup={"slug": slug}, values=values)
            ctx.report.add("technology areas", outcome)


def certifications_load(ctx: LoadContext, records: list[dict]) -> None:
    """certifications.yaml: certifications keyed by code; `equivalents` are closed into equivalence groups."""
    fields = ("name", "issuer", "description", "url")
    declared: dict[str, list[str]] = {}
    saved: dict[str, Certification] = {}
    for record in records:
        code, values, links = split_record(
            ctx, record, kind="certification", key="code", fields=fields, relations=("equivalents",)
        )
        if not code:
            continue
        cert, outcome = upsert(ctx, Certification, lookup={"code": code}, values=values)
        ctx.report.add("certifications", outcome)
        if cert is not None:
            saved[code] = cert
            declared[code] = links.get("equivalents") or []
    for code, group in equivalence_groups(declared).items():
        targets = resolve(ctx, code, "equivalents", Certification, sorted(group - {code}), key="code")
        if targets is not None and code in saved:
            m2m_sync(saved[code], "equivalents", targets)


def equivalence_groups(declared: dict[str, list[str]]) -> dict[str, set[str]]:
    """Each code's equivalence group: declaring A=B on one record and B=C on another gives A=B=C everywhere."""
    groups: dict[str, set[str]] = {code: {code} for code in declared}
    for code, others in declared.items():
        merged = set().union(groups[code], *(groups.get(other, {other}) for other in others))
        for member in merged:
            groups[member] = merged
    return {code: groups[code] for code in declared}


SOURCE_FIELDS = ("url", "title", "publisher", "accessed_on", "confidence", "note")


def sources_catalogue_load(ctx: LoadContext, records: list[dict]) -> None:
    """sources.yaml: sources cited by several records, keyed by `key`; records cite them as `ref: KEY`."""
    for record in records:
        key, values, _ = split_record(ctx, record, kind="source", key="key", fields=SOURCE_FIELDS)
        if not key:
            continue
        if not values.get("url"):
            ctx.error(key, "url", "required")
        ctx.source_catalogue[key] = values


# Opportunity fields a fixture may set directly (relations are handled below).
OPPORTUNITY_FIELDS = (
    "kind", "title", "title_ja", "summary", "description", "keywords", "eligible_countries", "eligible_sizes",
    "min_trl", "japan_presence", "eligibility_notes", "opens_on", "closes_on", "starts_on", "ends_on", "venue",
    "url", "status", "confidence", "last_verified_on", "summary_ja", "expected_from", "expected_until",
    "expected_basis", "max_company_age", "japanese_entity",
)  # fmt: skip
OPPORTUNITY_RELATIONS = ("organisations", "areas", "required_certifications", "related", "sources")


def opportunities_load(ctx: LoadContext, records: list[dict]) -> None:
    """opportunities*.yaml: hubs, priority areas, events, programmes and calls, with areas and sources."""
    for record in records:
        slug, values, links = split_record(
            ctx, record, kind="opportunity", key="slug", fields=OPPORTUNITY_FIELDS, relations=OPPORTUNITY_RELATIONS
        )
        if not slug:
            continue
        sources = source_values(ctx, slug, links.get("sources") or [])
        opportunity_check(ctx, slug, values, sources)
        opportunity, outcome = upsert(ctx, Opportunity, lookup={"slug": slug}, values=values)
        if opportunity is not None and opportunity_relations_sync(ctx, opportunity, links, sources):
            outcome = "updated" if outcome == "unchanged" else outcome
        ctx.report.add("opportunities", outcome)
        if opportunity is None:
            continue
        ctx.related[slug] = (ctx.file, links.get("related") or [])


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
        wanted = partners.get(opportunity.slug, set()) | kept
        m2m_sync(opportunity, "related", list(Opportunity.objects.filter(slug__in=wanted)))


def opportunity_check(ctx: LoadContext, slug: str, values: dict[str, Any], sources: list[dict] | None) -> None:
    """Curation rules beyond the model's own: sourced before published, low sources flag the record, no stale dates."""
    if values.get("status") != Opportunity.Status.PUBLISHED:
        return
    try:
        opportunity_publishable_check(source_count=len(sources or []))
    except ValidationError as exc:
        ctx.errors_from(slug, exc)
    else:
        if all(src.get("confidence") == Confidence.LOW for src in sources or []) and (
            values.get("confidence") != Confidence.LOW
        ):
            ctx.error(slug, "confidence", "every source is low-confidence, so the record must be `low` (unverified)")
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


def source_values(ctx: LoadContext, slug: str, items: Any) -> list[dict] | None:
    """A record's sources, with catalogue references (`ref: KEY`, or just KEY) expanded; None if malformed."""
    if not isinstance(items, list):
        ctx.error(slug, "sources", "expected a list of sources")
        return None
    result = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            item = {"ref": item}
        if not isinstance(item, dict):
            ctx.error(slug, f"sources[{index}]", "expected a mapping or a source key")
            return None
        values = dict(item)
        ref = values.pop("ref", None)
        if ref is not None:
            if ref not in ctx.source_catalogue:
                ctx.error(slug, f"sources[{index}].ref", f"unknown source key {ref}")
                return None
            values = {**ctx.source_catalogue[ref], **values}
        unknown = set(values) - set(SOURCE_FIELDS)
        if unknown:
            ctx.error(slug, f"sources[{index}]", f"unknown field {', '.join(sorted(unknown))}")
            return None
        values.setdefault("confidence", Confidence.HIGH)
        result.append(values)
    return result


def opportunity_relations_sync(
    ctx: LoadContext, opportunity: Opportunity, links: dict[str, Any], sources: list[dict] | None
) -> bool:
    """Organisations, certifications, weighted areas and sources of one saved opportunity; True if any changed."""
    slug = opportunity.slug
    changed = False
    organisations = resolve(ctx, slug, "organisations", Organisation, links.get("organisations"))
    if organisations is not None:
        changed |= m2m_sync(opportunity, "organisations", organisations)
    certifications = resolve(
        ctx, slug, "required_certifications", Certification, links.get("required_certifications"), key="code"
    )
    if certifications is not None:
        changed |= m2m_sync(opportunity, "required_certifications", certifications)
    changed |= areas_sync(ctx, opportunity, links.get("areas") or {})
    if sources is not None:
        changed |= sources_sync(ctx, opportunity, sources)
    return changed


def areas_sync(ctx: LoadContext, opportunity: Opportunity, weights: Any) -> bool:
    """Make the opportunity's area links match `areas: {slug: weight}`, updating only what differs."""
    slug = opportunity.slug
    if not isinstance(weights, dict):
        ctx.error(slug, "areas", "expected a mapping of area slug to weight")
        return False
    areas = resolve(ctx, slug, "areas", TechnologyArea, list(weights))
    if areas is None:
        return False
    existing = {link.technology_area_id: link for link in opportunity.area_links.all()}
    return links_sync(
        ctx,
        slug,
        "areas",
        existing,
        areas,
        new_link=lambda area: OpportunityArea(opportunity=opportunity, technology_area=area),
        attr="weight",
        value=lambda area: weights[area.slug],
        label=lambda area: area.slug,
    )


def sources_sync(ctx: LoadContext, opportunity: Opportunity, sources: list[dict]) -> bool:
    """Make the opportunity's sources match the fixture (keyed by URL), saving only what differs."""
    existing = {source.url: source for source in opportunity.sources.all()}
    wanted_urls = [values.get("url") for values in sources]
    changed = False
    for url, source in existing.items():
        if url not in wanted_urls:
            source._change_reason = CHANGE_REASON
            source.delete()
            changed = True
    for index, values in enumerate(sources):
        source = existing.get(values.get("url")) or Source(opportunity=opportunity)
        created = source.pk is None
        before = {name: getattr(source, name) for name in SOURCE_FIELDS}
        for name in SOURCE_FIELDS:
            setattr(source, name, values.get(name, Source._meta.get_field(name).get_default()))
        try:
            source.full_clean()
        except ValidationError as exc:
            ctx.errors_from(opportunity.slug, exc, prefix=f"sources[{index}].")
            continue
        if created or before != {name: getattr(source, name) for name in SOURCE_FIELDS}:
            source._change_reason = CHANGE_REASON
            source.save()
            ctx.report.add("sources", "created" if created else "updated")
            changed = True
        else:
            ctx.report.add("sources", "unchanged")
    return changed
