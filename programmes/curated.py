"""Load the curated fixtures (fixtures/*.yaml) into the database: validated, idempotent, all or nothing.

The files reference each other by slug or code, never by primary key, so consultants can read and edit them.
docs/curation.md describes the format. Every record is checked with full_clean(); any error anywhere rolls the
whole load back. A record is saved only when one of its values differs, so a second run writes no history.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from programmes.models import (
    Certification,
    Confidence,
    Opportunity,
    OpportunityArea,
    Organisation,
    Source,
    TechnologyArea,
)

CHANGE_REASON = "curated fixture load"
REQUIRED_AREA_SLUGS = (
    "iamd counter-hypersonic railgun stand-off-strike directed-energy counter-uas uuv usv ugv uav next-gen-fighter "
    "space cyber electronic-warfare c2-isr ai-autonomy quantum semiconductors critical-minerals "
    "advanced-manufacturing sustainment"
).split()
HUB_SLUGS = ("rapid-acquisition-hub", "startup-council-hub", "startup-tech-proposal-hub")
# Keys a record may carry for curators' eyes only (research notes); the loader skips them.
NOTE_KEYS = frozenset({"note", "notes"})


@dataclass(frozen=True)
class CuratedError:
    """One problem in one record, worded as `FILE: record SLUG, field F: why`."""

    file: str
    slug: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.slug}, field {self.field}: {self.message}"


class CuratedLoadError(Exception):
    """The fixtures hold errors; nothing was written."""

    def __init__(self, errors: list[CuratedError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the curated fixtures")
        self.errors = errors


@dataclass
class LoadReport:
    """How many records of each kind a load created, updated or left unchanged."""

    counts: Counter = field(default_factory=Counter)

    def add(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def lines(self) -> list[str]:
        kinds = sorted({kind for kind, _ in self.counts})
        return [
            f"{kind}: {self.counts[(kind, 'created')]} created, {self.counts[(kind, 'updated')]} updated, "
            f"{self.counts[(kind, 'unchanged')]} unchanged"
            for kind in kinds
        ]


@dataclass
class LoadContext:
    """State shared by the per-file loaders during one load."""

    directory: Path
    today: datetime.date
    errors: list[CuratedError] = field(default_factory=list)
    report: LoadReport = field(default_factory=LoadReport)
    source_catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Opportunity slug -> (file, related slugs), linked once every file is loaded.
    related: dict[str, tuple[str, Any]] = field(default_factory=dict)
    # (kind, slug) -> file that first defined it, to refuse duplicates across files.
    seen: dict[tuple[str, str], str] = field(default_factory=dict)
    file: str = ""

    def error(self, slug: object, field_name: str, message: str) -> None:
        self.errors.append(CuratedError(self.file, str(slug or "?"), field_name, message))

    def errors_from(self, slug: object, exc: ValidationError, prefix: str = "") -> None:
        """Record a ValidationError field by field, as forms and the CSV import do."""
        if hasattr(exc, "error_dict"):
            for name, field_errors in exc.message_dict.items():
                label = prefix + name if name != "__all__" else (prefix.rstrip(".") or "__all__")
                for message in field_errors:
                    self.error(slug, label, message)
        else:
            for message in exc.messages:
                self.error(slug, prefix.rstrip(".") or "__all__", message)


# ---------------------------------------------------------------------------------------------------------------
# Entry point


def curated_load(*, directory: Path, today: datetime.date | None = None) -> LoadReport:
    """Upsert every fixture in DIRECTORY in one transaction; raise CuratedLoadError (nothing written) on any error."""
    ctx = LoadContext(directory=Path(directory), today=today or timezone.localdate())
    plan = curated_plan(ctx.directory)
    if not plan:
        raise CuratedLoadError([CuratedError(str(directory), "-", "-", "no curated fixture files found")])
    with transaction.atomic():
        for loader, path in plan:
            ctx.file = path.name
            records = read_records(ctx, path)
            if records is not None:
                loader(ctx, records)
        related_sync(ctx)
        if ctx.errors:
            raise CuratedLoadError(ctx.errors)
    return ctx.report


def curated_plan(directory: Path) -> list[tuple[Callable[[LoadContext, list[dict]], None], Path]]:
    """The fixture files in DIRECTORY, in dependency order, each with the function that loads it."""
    from companies.curated import companies_load  # companies depends on programmes, not the reverse
    from partners.curated import partners_load  # partners sit above matching (issue 16)

    order: list[tuple[str, Callable[[LoadContext, list[dict]], None]]] = [
        ("organisations.yaml", organisations_load),
        ("technology_areas.yaml", technology_areas_load),
        ("certifications.yaml", certifications_load),
        ("sources.yaml", sources_catalogue_load),
        ("opportunities*.yaml", opportunities_load),
        ("companies.yaml", companies_load),
        ("partners.yaml", partners_load),
    ]
    return [(loader, path) for pattern, loader in order for path in sorted(directory.glob(pattern))]


def read_records(ctx: LoadContext, path: Path) -> list[dict] | None:
    """A file's records: a YAML list, or a mapping with `records` and optional `defaults` merged into each."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        ctx.error("-", "-", f"not valid YAML: {exc}")
        return None
    defaults: Any = {}
    if isinstance(data, dict):
        defaults = data.get("defaults") or {}
        data = data.get("records")
    if not isinstance(defaults, dict):
        ctx.error("-", "defaults", "expected a mapping of field to value")
        return None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        ctx.error("-", "-", "expected a list of records (or a mapping with `records`)")
        return None
    return [{**defaults, **record} for record in data]


# ---------------------------------------------------------------------------------------------------------------
# Shared helpers (companies/curated.py uses them too)


def plain(value: Any) -> Any:
    """A value reduced to builtins so that old and new values compare equal when they mean the same."""
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "code") and value.__class__.__name__ == "Country":
        return value.code
    return value


def split_record(
    ctx: LoadContext, record: dict, *, kind: str, key: str, fields: Iterable[str], relations: Iterable[str] = ()
) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    """(key value, scalar values, relation values) of a record; unknown keys and duplicate keys are errors."""
    known = {key, *fields, *relations}
    slug = record.get(key)
    for name in record:
        if name not in known and name not in NOTE_KEYS:
            ctx.error(slug, name, "unknown field")
    if not slug or not isinstance(slug, str):
        ctx.error(slug, key, "required")
        slug = None
    elif (kind, slug) in ctx.seen:
        ctx.error(slug, key, f"duplicate {key}: already defined in {ctx.seen[(kind, slug)]}")
        slug = None
    else:
        ctx.seen[(kind, slug)] = ctx.file
    scalars = {name: record[name] for name in fields if name in record}
    links = {name: record[name] for name in relations if name in record}
    return slug, scalars, links


def upsert(
    ctx: LoadContext, model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[models.Model | None, str]:
    """Create or update one row from curated VALUES, saving only when something differs.

    Returns the row (None if invalid) and "created", "updated" or "unchanged". Fields the fixture omits are reset
    to their defaults: the fixture is the whole record.
    """
    slug = next(iter(lookup.values()))
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    before = snapshot(obj, values)
    for name in curated_fields(model, values):
        if name not in lookup:
            setattr(obj, name, values.get(name, model._meta.get_field(name).get_default()))
    try:
        obj.full_clean()
    except ValidationError as exc:
        ctx.errors_from(slug, exc)
        return None, "invalid"
    changed = created or snapshot(obj, values) != before
    if changed:
        obj._change_reason = CHANGE_REASON
        obj.save()
    return obj, "created" if created else "updated" if changed else "unchanged"


def curated_fields(model: type[models.Model], values: dict[str, Any]) -> list[str]:
    """The names of MODEL's editable, non-relational fields a fixture may set (plus any VALUES names)."""
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.is_relation and not getattr(f, "auto_now", False)
    ]
    return names + [name for name in values if name not in names]


def snapshot(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The comparable current values of the fields a fixture sets."""
    return {name: plain(getattr(obj, name)) for name in curated_fields(type(obj), values)}


def resolve(
    ctx: LoadContext, slug: str, field_name: str, model: type[models.Model], keys: Any, *, key: str = "slug"
) -> list[models.Model] | None:
    """The rows of MODEL named by KEYS (a list of slugs or codes); None, with an error, if any is unknown."""
    if keys is None:
        return []
    if not isinstance(keys, list) or not all(isinstance(item, str) for item in keys):
        ctx.error(slug, field_name, f"expected a list of {key}s")
        return None
    found = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": keys})}
    missing = [item for item in keys if item not in found]
    if missing:
        ctx.error(slug, field_name, f"unknown {model._meta.verbose_name} {', '.join(missing)}")
        return None
    return [found[item] for item in dict.fromkeys(keys)]


def m2m_sync(obj: models.Model, attr: str, targets: list[models.Model]) -> bool:
    """Make OBJ.ATTR hold exactly TARGETS; touch nothing (so write no history) when it already does."""
    manager = getattr(obj, attr)
    wanted = {target.pk for target in targets}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    obj._change_reason = CHANGE_REASON
    manager.set(targets)
    return True


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
    fields = ("name", "name_ja", "description", "keywords")
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
    "url", "status", "confidence", "last_verified_on",
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
    if not sources:
        ctx.error(slug, "sources", "a published record needs at least one source")
    elif all(src.get("confidence") == Confidence.LOW for src in sources) and values.get("confidence") != Confidence.LOW:
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


def links_sync(
    ctx: LoadContext,
    slug: str,
    field: str,
    existing: dict[int, models.Model],
    targets: list[models.Model],
    *,
    new_link: Callable[[Any], models.Model],
    attr: str,
    value: Callable[[Any], Any],
    label: Callable[[Any], str],
) -> bool:
    """Make a record's through-table rows (EXISTING, by target pk) link exactly TARGETS, each with its ATTR value.

    Rows for targets no longer wanted are deleted; a row is saved only when it is new or its value differs.
    """
    keep = {target.pk for target in targets}
    stale = [link for pk, link in existing.items() if pk not in keep]
    for link in stale:
        link.delete()
    changed = bool(stale)
    for target in targets:
        link = existing.get(target.pk) or new_link(target)
        before = getattr(link, attr)
        setattr(link, attr, value(target))
        try:
            link.full_clean()
        except ValidationError as exc:
            ctx.errors_from(slug, exc, prefix=f"{field}.{label(target)}.")
            continue
        if link.pk is None or before != getattr(link, attr):
            link.save()
            changed = True
    return changed


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
