"""partners.yaml: the curated Japanese partners, loaded by `manage.py load_curated` after opportunities and firms.

A partner is sourced like a record: every one needs a source, and a record whose sources are all low-confidence
must itself be marked low. Areas are `{slug: weight}`, programmes are opportunity slugs, foreign partnerships each
carry their own source URL.
"""

from typing import Any

from django.core.exceptions import ValidationError

from matching import dispatch
from partners.models import ForeignPartnership, Partner, PartnerArea, PartnerSource
from partners.services import partner_save
from portal.curation import CHANGE_REASON, LoadContext, links_sync, m2m_sync, resolve, split_record, upsert
from programmes.curated import SOURCE_FIELDS, source_values
from programmes.models import Confidence, Opportunity, TechnologyArea
from programmes.rules import sources_confidence_check

PARTNER_FIELDS = (
    "name", "name_ja", "name_kana", "short_names", "role", "size", "city", "city_ja", "capabilities", "capabilities_ja",
    "contact_url", "confidence", "last_verified_on",
)  # fmt: skip
PARTNER_RELATIONS = ("areas", "programmes", "sources", "foreign_partnerships")
PARTNERSHIP_FIELDS = ("counterpart", "country", "summary", "source_url", "confidence")


def partners_load(ctx: LoadContext, records: list[dict]) -> None:
    """partners.yaml: Japanese organisations keyed by slug, with areas, programmes, sources and partnerships.

    When any partner was created or changed, every firm's partner fit is refitted once the load commits.
    """
    changed = False
    for record in records:
        slug, values, links = split_record(
            ctx, record, kind="partner", key="slug", fields=PARTNER_FIELDS, relations=PARTNER_RELATIONS
        )
        if not slug or ctx.kept("partners", Partner, {"slug": slug}):
            continue
        sources = source_values(ctx, slug, links.get("sources") or [])
        partner_check(ctx, slug, values, sources)
        partner, outcome = upsert(ctx, Partner, lookup={"slug": slug}, values=values, save=partner_curated_save)
        if partner is not None and partner_relations_sync(ctx, partner, links, sources):
            outcome = "updated" if outcome == "unchanged" else outcome
        ctx.report.add("partners", outcome)
        changed |= outcome in ("created", "updated")
    if changed:
        dispatch.partners_refit_later()


def partner_curated_save(partner: Partner) -> None:
    """Save a changed partner through the service the admin uses."""
    partner_save(partner=partner, by=None, reason=CHANGE_REASON)


def partner_check(ctx: LoadContext, slug: str, values: dict[str, Any], sources: list[dict] | None) -> None:
    """Every partner is sourced; all-low sources make the record low (unverified)."""
    if not sources:
        ctx.error(slug, "sources", "a partner needs at least one source")
        return
    try:
        sources_confidence_check(
            confidence=values.get("confidence", ""), source_confidences=[src.get("confidence") for src in sources]
        )
    except ValidationError as exc:
        ctx.errors_from(slug, exc)


def partner_relations_sync(
    ctx: LoadContext, partner: Partner, links: dict[str, Any], sources: list[dict] | None
) -> bool:
    """Areas, programmes, sources and foreign partnerships of one saved partner; True if any changed."""
    changed = False
    programmes = resolve(ctx, partner.slug, "programmes", Opportunity, links.get("programmes"))
    if programmes is not None:
        changed |= m2m_sync(partner, "programmes", programmes)
    changed |= partner_areas_sync(ctx, partner, links.get("areas") or {})
    if sources is not None:
        changed |= rows_sync(ctx, partner, PartnerSource, "sources", "url", SOURCE_FIELDS, sources)
    partnerships = links.get("foreign_partnerships") or []
    if not isinstance(partnerships, list) or not all(isinstance(item, dict) for item in partnerships):
        ctx.error(partner.slug, "foreign_partnerships", "expected a list of mappings")
        return changed
    for index, item in enumerate(partnerships):
        unknown = set(item) - set(PARTNERSHIP_FIELDS)
        if unknown:
            ctx.error(partner.slug, f"foreign_partnerships[{index}]", f"unknown field {', '.join(sorted(unknown))}")
            return changed
    rows = [{"confidence": Confidence.HIGH, **item} for item in partnerships]
    changed |= rows_sync(
        ctx, partner, ForeignPartnership, "foreign_partnerships", "counterpart", PARTNERSHIP_FIELDS, rows
    )
    return changed


def partner_areas_sync(ctx: LoadContext, partner: Partner, weights: Any) -> bool:
    """Make the partner's area links match `areas: {slug: weight}`."""
    if not isinstance(weights, dict):
        ctx.error(partner.slug, "areas", "expected a mapping of area slug to weight")
        return False
    areas = resolve(ctx, partner.slug, "areas", TechnologyArea, list(weights))
    if areas is None:
        return False
    existing = {link.technology_area_id: link for link in partner.area_links.all()}
    return links_sync(
        ctx,
        partner.slug,
        "areas",
        existing,
        areas,
        new_link=lambda area: PartnerArea(partner=partner, technology_area=area),
        attr="weight",
        value=lambda area: weights[area.slug],
        label=lambda area: area.slug,
    )


def rows_sync(
    ctx: LoadContext, partner: Partner, model, field: str, key: str, names: tuple[str, ...], wanted: list[dict]
) -> bool:
    """Make the partner's child rows (sources, partnerships) match WANTED, keyed by KEY; save only what differs."""
    existing = {getattr(row, key): row for row in getattr(partner, field).all()}
    keys = [values.get(key) for values in wanted]
    changed = False
    for value, row in existing.items():
        if value not in keys:
            row._change_reason = CHANGE_REASON
            row.delete()
            changed = True
    for index, values in enumerate(wanted):
        row = existing.get(values.get(key)) or model(partner=partner)
        before = None if row.pk is None else {name: str(getattr(row, name)) for name in names}
        for name in names:
            setattr(row, name, values.get(name, model._meta.get_field(name).get_default()))
        try:
            row.full_clean()
        except ValidationError as exc:
            ctx.errors_from(partner.slug, exc, prefix=f"{field}[{index}].")
            continue
        if before != {name: str(getattr(row, name)) for name in names}:
            row._change_reason = CHANGE_REASON
            row.save()
            changed = True
    return changed
