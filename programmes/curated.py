"""The curated-fixture loaders of the programmes app: organisations, areas, certifications, the source catalogue.

The opportunities are in curated_opportunities.py. The files reference each other by slug or code, never by primary
key, so consultants can read and edit them. docs/curation.md describes the format; portal/curation.py holds the
loader kit and web/curated.py runs every loader in one transaction.
"""

from typing import Any

from django.core.exceptions import ValidationError

from portal.curation import CHANGE_REASON, LoadContext, m2m_sync, resolve, split_record, upsert
from programmes.models import Certification, Confidence, Organisation, ReferenceFirm, TechnologyArea
from programmes.reference_services import reference_firm_save, reference_record_save

REQUIRED_AREA_SLUGS = (
    "iamd counter-hypersonic railgun stand-off-strike directed-energy counter-uas uuv usv ugv uav next-gen-fighter "
    "space cyber electronic-warfare c2-isr ai-autonomy quantum semiconductors critical-minerals "
    "advanced-manufacturing sustainment"
).split()
HUB_SLUGS = ("rapid-acquisition-hub", "startup-council-hub", "startup-tech-proposal-hub")


# ---------------------------------------------------------------------------------------------------------------
# Per-file loaders


def reference_save(record: Organisation | TechnologyArea | Certification) -> None:
    """Save a changed organisation, area or certification as the admin does (a changed area rescores every firm)."""
    reference_record_save(record=record, by=None, reason=CHANGE_REASON)


def organisations_load(ctx: LoadContext, records: list[dict]) -> None:
    """organisations.yaml: ministries, agencies and trade bodies, keyed by slug."""
    fields = ("name", "name_ja", "name_kana", "acronym", "country", "url", "description", "source_url")
    for record in records:
        slug, values, _ = split_record(ctx, record, kind="organisation", key="slug", fields=fields)
        if slug and not ctx.kept("organisations", Organisation, {"slug": slug}):
            _, outcome = upsert(ctx, Organisation, lookup={"slug": slug}, values=values, save=reference_save)
            ctx.report.add("organisations", outcome)


def technology_areas_load(ctx: LoadContext, records: list[dict]) -> None:
    """technology_areas.yaml: the 21 fixed areas with their names, descriptions and keywords."""
    fields = ("name", "name_ja", "name_kana", "description", "keywords", "related_terms")
    for record in records:
        slug, values, _ = split_record(ctx, record, kind="area", key="slug", fields=fields)
        if slug and not ctx.kept("technology areas", TechnologyArea, {"slug": slug}):
            _, outcome = upsert(ctx, TechnologyArea, lookup={"slug": slug}, values=values, save=reference_save)
            ctx.report.add("technology areas", outcome)


def certifications_load(ctx: LoadContext, records: list[dict]) -> None:
    """certifications.yaml: certifications keyed by code; `equivalents` are closed into equivalence groups."""
    fields = ("name", "name_ja", "name_kana", "issuer", "description", "url")
    declared: dict[str, list[str]] = {}
    saved: dict[str, Certification] = {}
    for record in records:
        code, values, links = split_record(
            ctx, record, kind="certification", key="code", fields=fields, relations=("equivalents",)
        )
        if not code or ctx.kept("certifications", Certification, {"code": code}):
            continue
        cert, outcome = upsert(ctx, Certification, lookup={"code": code}, values=values, save=reference_save)
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


def reference_firms_load(ctx: LoadContext, records: list[dict]) -> None:
    """reference_firms.yaml: real firms' descriptions with the areas they work in, by grade (the scorer's examples).

    Saved through reference_firm_save, as the admin saves them: a changed description or grade rescores every firm.
    """
    fields = ("name", "source_url", "description")
    for record in records:
        slug, values, links = split_record(
            ctx, record, kind="reference firm", key="slug", fields=fields, relations=tuple(ReferenceFirm.GRADES)
        )
        if not slug or ctx.kept("reference firms", ReferenceFirm, {"slug": slug}):
            continue
        areas = {name: resolve(ctx, slug, name, TechnologyArea, links.get(name)) for name in ReferenceFirm.GRADES}
        if any(chosen is None for chosen in areas.values()):
            continue
        firm = ReferenceFirm.objects.filter(slug=slug).first() or ReferenceFirm(slug=slug)
        created = firm.pk is None
        for name in fields:
            setattr(firm, name, values.get(name, ""))
        try:
            written = reference_firm_save(firm=firm, areas=areas, by=None, reason=CHANGE_REASON)
        except ValidationError as exc:
            ctx.errors_from(slug, exc)
            continue
        outcome = "created" if created else ("updated" if written else "unchanged")
        ctx.report.add("reference firms", outcome)
