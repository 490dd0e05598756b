"""Reads of matches for pages, exports and feeds: whose scores a viewer sees, score bars and the gap plan."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from companies.selectors import viewer_company_list
from matching import hooks, messages
from matching.models import AreaDismissal, Match
from matching.names import Names
from matching.suggestions import area_suggestions
from portal.roles import Viewer, is_consultant
from portal.spreadsheets import one_decimal
from portal.text import localised
from programmes.models import Opportunity, OpportunityArea

# The engine's components, in the order bars and tables show them.
COMPONENT_LABELS = {
    "capability": _("Capability"),
    "eligibility": _("Eligibility"),
    "readiness": _("Readiness"),
    "compliance": _("Compliance"),
    "timing": _("Timing"),
}

GAP_CATEGORY_LABELS = {
    "certification": _("Certifications to obtain"),
    "partner": _("Partners and presence in Japan"),
    "readiness": _("Readiness (TRL)"),
    "notice": _("Rule and policy changes"),
    "other": _("Other gaps"),
}

# How many of a firm's best matches the gap plan looks at.
GAP_PLAN_TOP = 25
# A gap the plan counts only on records in the firm's own field (`in_firms_field`): elsewhere little technology fit
# is the right answer for a record about another field, not something the firm could fix (docs/matching.md).
FIELD_GAPS = frozenset({"low_fit"})


@dataclass(frozen=True)
class Segment:
    """One component of a score, placed on a 0-100 bar."""

    name: str
    label: str
    css: str
    value: float
    weight: float
    contribution: float
    x: float
    shared: float | None = None  # the one multiplier of the parts after technology fit (score_segments)
    shown: float | None = None  # the contribution to one decimal, so that the shown parts add up to the shown score

    @property
    def scale(self) -> float | None:
        """What the part was multiplied by besides its value and weight (the technology fit, and a gate's cap), when
        that is not 1: the reader can then check value x weight x scale x 100 against the contribution."""
        base = 100.0 * self.value * self.weight
        if base <= 0:
            return None
        scale = self.shared if self.shared is not None else self.contribution / base
        return None if abs(scale - 1.0) < 0.005 else scale


@dataclass
class GapItem:
    """One thing a firm could fix, with the top matches that name it as a gap."""

    category: str
    key: str
    text: str
    action: str = ""
    matches: list[Match] = field(default_factory=list)
    partner_gap: bool = False  # a "needs a Japanese partner or entity" gap: the plan offers partners
    partners: list[dict[str, str]] = field(
        default_factory=list
    )  # matching.hooks.gap_partners: slug, name, name_ja, name_kana, role
    notice_url: str = ""  # a notice gap: where to read the notice

    @property
    def count(self) -> int:
        return len(self.matches)


def score_segments(match: Match) -> list[Segment]:
    """The components of MATCH as bar segments whose widths are their contributions (they sum to the score)."""
    components = match.components  # the engine's components only, in its order (matching.parts)
    segments, x = [], 0.0
    for name in [name for name in COMPONENT_LABELS if name in components]:
        part = components[name]
        contribution = max(0.0, part["contribution"])
        segments.append(
            Segment(
                name=name,
                label=str(COMPONENT_LABELS[name]),
                css=f"seg-{name}",
                value=part["value"],
                weight=part["weight"],
                contribution=contribution,
                x=x,
            )
        )
        x += contribution
    return _one_multiplier(_tenths(segments, match.score))


def _tenths(segments: list[Segment], score: float) -> list[Segment]:
    """Each part to one decimal such that the parts add up to the score to one decimal, as pages and exports show it
    (half up on the decimal text, as `portal.spreadsheets.one_decimal`): each part is cut to its tenth and the tenths
    still missing go to the parts with the largest remainders. Rounded one by one, five parts of 87.60 showed 87.7.
    Parts that do not add up to the score by more than a tenth each (an odd stored row) are rounded one by one."""
    target = int(Decimal(str(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) * 10)
    raw = [Decimal(str(s.contribution)) * 10 for s in segments]
    tenths = [int(r.to_integral_value(rounding=ROUND_FLOOR)) for r in raw]
    short = target - sum(tenths)
    if not segments or not 0 <= short <= len(segments):
        return [dataclasses.replace(s, shown=float(one_decimal(s.contribution))) for s in segments]
    for k in sorted(range(len(raw)), key=lambda k: -(raw[k] - tenths[k]))[:short]:
        tenths[k] += 1
    return [dataclasses.replace(s, shown=t / 10) for s, t in zip(segments, tenths, strict=True)]


def _one_multiplier(segments: list[Segment]) -> list[Segment]:
    """Every part after technology fit is multiplied by the same number (the fit, times a gate's cap): worked out once
    from all of them, and shown as the fit itself when it rounds to it, so that one card never shows two multipliers
    for one fit (the stored figures are rounded, so each part on its own gave slightly different ones)."""
    fit = next((s for s in segments if s.name == "capability"), None)
    rest = [s for s in segments if s is not fit and s.value * s.weight > 0]
    base = sum(100.0 * s.value * s.weight for s in rest)
    if fit is None or not rest or base <= 0:
        return segments
    shared = sum(s.contribution for s in rest) / base
    if abs(shared - fit.value) < 0.01:
        shared = fit.value
    scaled = {id(s) for s in rest}
    return [dataclasses.replace(s, shared=shared) if id(s) in scaled else s for s in segments]


def match_list(*, user: Viewer, company: Company) -> QuerySet[Match]:
    """COMPANY's matches as USER may see them, with everything a row shows in a fixed number of queries."""
    return (
        Match.objects.visible_to(user)
        .filter(company=company)
        .select_related("opportunity", "company")
        .prefetch_related(
            "opportunity__organisations",
            Prefetch("opportunity__area_links", queryset=OpportunityArea.objects.select_related("technology_area")),
        )
    )


def stored_match_count(*, company: Company) -> int:
    """How many matches COMPANY has stored (engine.keep: its best TOP_K, and any at FLOOR or above)."""
    return Match.objects.filter(company=company).count()


def company_feed_match_list(*, company: Company) -> QuerySet[Match]:
    """COMPANY's matches on published records for its calendar feed; the caller has checked the feed's token."""
    return (
        Match.objects.filter(company=company, opportunity__status=Opportunity.Status.PUBLISHED)
        .select_related("opportunity", "company")
        .best_first()
    )


def notice_gaps_attach(matches: Iterable[Match]) -> list[Match]:
    """MATCHES, each with `notice_gaps`: the notices bearing on it as gap items (matching.hooks.gap_notices).

    Read when shown, never stored, so a new notice is named at once; one read for the whole page.
    """
    matches = list(matches)
    found = hooks.gap_notices({(m.company_id, m.opportunity_id) for m in matches})
    for match in matches:
        match.notice_gaps = found.get((match.company_id, match.opportunity_id), [])  # type: ignore[attr-defined]
    return matches


def partner_gaps_attach(matches: Iterable[Match]) -> list[Match]:
    """MATCHES, each with `gap_partners`: the partners to talk to on its "needs a Japanese partner or entity" gap,
    as the gap plan and the API's `gaps_detail[].partners` name them (matching.hooks.gap_partners; [] without such a
    gap). One read for the whole page."""
    matches = list(matches)
    needing = {
        (m.company_id, m.opportunity_id)
        for m in matches
        if any(isinstance(g, dict) and g.get("code") in hooks.PARTNER_GAPS for g in m.gaps or [])
    }
    offered = hooks.gap_partners(needing) if needing else {}
    for match in matches:
        match.gap_partners = offered.get((match.company_id, match.opportunity_id), [])  # type: ignore[attr-defined]
    return matches


def match_scores_for(*, user: Viewer, company: Company | None, opportunity_ids: Iterable[int]) -> dict[int, Match]:
    """COMPANY's matches for a page of opportunities, by opportunity id: one query for the whole page."""
    ids = list(opportunity_ids)
    if company is None or not ids:
        return {}
    matches = Match.objects.visible_to(user).filter(company=company, opportunity_id__in=ids)
    return {match.opportunity_id: match for match in matches}


def match_get(*, user: Viewer, company: Company | None, opportunity: Opportunity) -> Match | None:
    """COMPANY's match for one opportunity, if USER may see it."""
    if company is None:
        return None
    found = Match.objects.visible_to(user).filter(company=company, opportunity=opportunity).first()
    if found is not None:
        found.opportunity = opportunity  # already read: the page links from the match without reading it again
    return found


def opportunity_top_match_list(*, user: Viewer, opportunity: Opportunity, limit: int = 10) -> list[Match]:
    """The best-fitting firms for OPPORTUNITY among those USER may see (every firm, for consultants)."""
    queryset = Match.objects.visible_to(user).filter(opportunity=opportunity).select_related("company")
    return list(queryset.best_first()[:limit])


def in_firms_field(*, company: Company, suggested: Iterable[str]) -> Exists:
    """Whether a match's record asks for an area COMPANY ticks or one its words suggest (SUGGESTED, area slugs): an
    expression over Match, annotated as `in_field` for the gap plan's FIELD_GAPS."""
    areas = Q(technology_area__companies=company) | Q(technology_area__slug__in=list(suggested))
    return Exists(OpportunityArea.objects.filter(areas, opportunity=OuterRef("opportunity_id")))


def gap_plan(*, matches: Iterable[Match], names: Names | None = None) -> list[tuple[str, str, list[GapItem]]]:
    """Group the gaps of MATCHES by category and by what would close them, most matches unlocked first.

    Reads the stored items' codes and params (matching/messages.py words them in the reader's language), and the
    notice gaps of matches that carry them (`notice_gaps_attach`), one item per notice with a link to read it.
    Readiness is cumulative: reaching TRL 7 also closes every gap asking for TRL 6 or less. A match annotated
    `in_field=False` (`in_firms_field`) leaves its FIELD_GAPS out; matches without the annotation count them all.
    """
    names = names or Names()
    matches = list(matches)
    partner_worth = _partner_worth(matches)
    items: dict[tuple[str, str], GapItem] = {}
    for match in matches:
        for gap in [*(match.gaps or []), *getattr(match, "notice_gaps", [])]:
            if not getattr(match, "in_field", True) and isinstance(gap, dict) and gap.get("code") in FIELD_GAPS:
                continue
            category = messages.category(gap)
            if category == messages.PARTNER and not partner_worth(match):
                continue
            key, what, todo = messages.plan_row(gap, names)
            item = items.setdefault((category, key), GapItem(category=category, key=key, text=what, action=todo))
            if match not in item.matches:
                item.matches.append(match)
            if isinstance(gap, dict) and gap.get("code") in hooks.PARTNER_GAPS:
                item.partner_gap = True
            if isinstance(gap, dict) and isinstance(gap.get("notice"), dict):
                # The record's page when the notice is linked to one of the matches, else the notice itself.
                if not item.notice_url or (gap["notice"].get("on_record") and "#notice-" not in item.notice_url):
                    item.notice_url = notice_gap_url(gap, match)
    readiness = sorted((i for i in items.values() if i.key.startswith("trl-")), key=lambda i: int(i.key[4:]))
    for higher_index, item in enumerate(readiness):
        for lower in readiness[:higher_index]:
            item.matches.extend(m for m in lower.matches if m not in item.matches)
    _offer_partners([i for i in items.values() if i.partner_gap])
    plan = []
    for category, label in GAP_CATEGORY_LABELS.items():
        group = sorted((i for i in items.values() if i.category == category), key=lambda i: (-i.count, i.key))
        if group:
            plan.append((category, str(label), group))
    return plan


def _codes(items: Iterable[Any] | None) -> set[str]:
    return {str(entry.get("code")) for entry in items or [] if isinstance(entry, dict)}


def _partner_worth(matches: list[Match]) -> Callable[[Match], bool]:
    """Whether the plan's partner and presence rows count a match: only where the firm fits the record.

    A partner or an office raises eligibility, at most 12 points and scaled by the fit: it cannot make a record the
    firm barely fits (a `low_fit` gap) worth applying to, and "find a Japanese partner: 17 matches" told a farm-sensor
    maker whose best score was 16 to do just that. A record taking any technology carries no `low_fit` gap (its
    reason is `any_technology`), so it counts only when the firm fits some record that asks for an area.
    """

    def fits(match: Match) -> bool:
        return "low_fit" not in _codes(match.gaps)

    fits_an_area = any(fits(m) and "any_technology" not in _codes(m.reasons) for m in matches)
    return lambda match: fits_an_area and fits(match)


def notice_gap_url(gap: dict[str, Any], match: Match) -> str:
    """Where to read a notice gap's notice: on the record's page when the notice is linked to it, else its own page."""
    notice = gap["notice"]
    if notice.get("on_record"):
        return f"{match.opportunity.get_absolute_url()}#notice-{notice.get('slug', '')}"
    return str(notice.get("page") or notice.get("url") or "")


def _offer_partners(items: list[GapItem], limit: int = 3) -> None:
    """Give each partner gap the best partners for its first matches' opportunities (one read for the whole plan)."""
    pairs = {(m.company_id, m.opportunity_id) for item in items for m in item.matches[:limit]}
    offered = hooks.gap_partners(pairs)
    for item in items:
        seen: dict[str, dict[str, str]] = {}
        for m in item.matches[:limit]:
            for partner in offered.get((m.company_id, m.opportunity_id), []):
                # The record it was offered for, so the partner's request form can name it (?opportunity=).
                seen.setdefault(partner["slug"], {**partner, "opportunity": m.opportunity.slug})
        item.partners = list(seen.values())[:limit]


def area_suggestion_list(
    *, company: Company | None, names: Names, dismissed_areas: Iterable[str] | None = None
) -> list[dict[str, str]]:
    """The areas COMPANY's description reads as but it does not tick, as pages show them: the area's slug, its name
    and the words that point to it, in the reader's language (my matches and the firm's profile). DISMISSED_AREAS
    are the slugs of those it dismissed, when the page has read them already (`area_suggestions`)."""
    if company is None:
        return []
    shown = []
    today = timezone.localdate()
    for entry in area_suggestions(company_id=company.pk, today=today, dismissed_areas=dismissed_areas):
        slug = str(entry["params"]["area"])  # type: ignore[index]
        shown.append({"area": slug, "name": names.area(slug), "text": messages.render(entry, names)})
    return shown


def suggested_area_slugs(*, company: Company) -> list[str]:
    """The slugs of the areas COMPANY's description reads as but it does not tick (what `area_suggestion_list`
    shows, unworded): with the areas it ticks, the firm's field for the gap plan (`in_firms_field`)."""
    entries = area_suggestions(company_id=company.pk, today=timezone.localdate())
    return [str(entry["params"]["area"]) for entry in entries]  # type: ignore[index]


def area_dismissal_list(*, company: Company, disclose: bool) -> list[dict[str, Any]]:
    """The suggested areas COMPANY dismissed, for its profile: the area's slug and name in the reader's language, and
    when; DISCLOSE adds who (consultants only, as in the firm's history). An area the firm ticks since (through its
    profile form, the admin, the API or an import) is not listed: its dismissal does nothing while it is ticked.
    One query."""
    dismissals = (
        AreaDismissal.objects.filter(company=company)
        .exclude(technology_area__companies=company)
        .select_related("technology_area", "dismissed_by")
    )
    return [
        {
            "area": dismissal.technology_area.slug,
            "name": localised(dismissal.technology_area),
            "when": dismissal.dismissed_at,
            "who": (dismissal.dismissed_by.get_username() if dismissal.dismissed_by else "") if disclose else "",
        }
        for dismissal in dismissals.order_by("-dismissed_at", "-pk")
    ]


def profile_area_suggestions(request: HttpRequest, company: Company) -> dict[str, list[dict[str, Any]]]:
    """COMPANY's suggested areas for its profile page, and those it dismissed, read once for both: a dismissal of an
    area the firm ticks is left out of the list, and a ticked area is never suggested anyway. Registered on
    companies.views in matching/apps.py."""
    dismissed = area_dismissal_list(company=company, disclose=is_consultant(request.user))
    names = messages.names_for(request)
    return {
        "suggestions": area_suggestion_list(
            company=company, names=names, dismissed_areas=[row["area"] for row in dismissed]
        ),
        "dismissed": dismissed,
    }


def viewer_fit_score(request: Any, firm: Company | None = None) -> Subquery | None:
    """FIRM's score for each opportunity (OuterRef pk), for the listing's "fit" order: FIRM is one of the signed-in
    viewer's firms that the page picked (`companies.selectors.viewer_company_pick`), or None for their first firm;
    None without a firm. Registered on programmes.filters in matching/apps.py."""
    if firm is None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        companies = viewer_company_list(user=user)
        if not companies:
            return None
        firm = companies[0]
    score = Match.objects.filter(company_id=firm.pk, opportunity=OuterRef("pk")).values("score")
    return Subquery(score[:1])
