"""Reads the scorer needs: ORM rows turned into the plain rows of matching.features, in a fixed number of queries.

Kept apart from matching/selectors.py (the match listings) so the two can change independently.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, Min, OuterRef, Q, Value

from companies.models import Company, CompanyCertification
from matching.features import AreaRow, CertificationRow, CompanyRow, OpportunityRow
from matching.models import FeedbackMark, Match
from programmes.models import Certification, Opportunity, OpportunityArea, ReferenceFirm, TechnologyArea


def scoring_areas(*, examples_too: bool = True) -> list[AreaRow]:
    """Every technology area with its description, lexicon, related terms and graded reference firms (two queries;
    one without EXAMPLES_TOO, for a reader that leaves the reference firms out)."""
    examples: dict[int, list[tuple[str, int]]] = defaultdict(list)
    graded = (
        []
        if not examples_too
        else [
            getattr(ReferenceFirm, name)
            .through.objects.annotate(grade=Value(grade))
            .values_list("technologyarea_id", "referencefirm__description", "grade")
            for name, grade in ReferenceFirm.GRADES.items()
        ]
    )
    # One query for the three grades; a profile is a bag of words, so the order of its examples does not matter.
    for area_id, text, grade in graded[0].union(*graded[1:], all=True) if graded else []:
        examples[area_id].append((text, grade))
    return [
        AreaRow(
            slug=slug,
            name=name,
            description=description,
            keywords=[str(k) for k in keywords or []],
            related=[str(k) for k in related or []],
            examples=examples.get(pk, []),
        )
        for pk, slug, name, description, keywords, related in TechnologyArea.objects.order_by("slug").values_list(
            "pk", "slug", "name", "description", "keywords", "related_terms"
        )
    ]


def scoring_certifications() -> list[CertificationRow]:
    """Every certification with the codes that count as equivalent (two queries)."""
    through = Certification.equivalents.through
    equivalents: dict[int, list[str]] = defaultdict(list)
    for from_id, code in through.objects.values_list("from_certification_id", "to_certification__code"):
        equivalents[from_id].append(code)
    return [
        CertificationRow(code=code, name=name, equivalents=equivalents.get(pk, []))
        for pk, code, name in Certification.objects.order_by("code").values_list("pk", "code", "name")
    ]


def _countries(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [c for c in value.split(",") if c]
    return [str(getattr(c, "code", c)) for c in value]  # type: ignore[attr-defined]


def scoring_opportunities(*, today: datetime.date, pk: int | None = None) -> list[OpportunityRow]:
    """Published opportunities still open on TODAY (closed calls and past events are not matched); three queries."""
    queryset = Opportunity.objects.published().open_on(today).order_by("pk")
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    areas: dict[int, dict[str, float]] = defaultdict(dict)
    # In the order the curators listed them (pk): a tie at the top weight goes to the first (affinity.main_area),
    # whatever order the database returns rows in.
    links = OpportunityArea.objects.filter(opportunity__in=queryset).order_by("pk")
    for opp_id, slug, weight in links.values_list("opportunity_id", "technology_area__slug", "weight"):
        areas[opp_id][slug] = float(weight)
    certs: dict[int, list[str]] = defaultdict(list)
    through = Opportunity.required_certifications.through
    for opp_id, code in through.objects.filter(opportunity__in=queryset).values_list(
        "opportunity_id", "certification__code"
    ):
        certs[opp_id].append(code)
    fields = (
        "pk",
        "slug",
        "title",
        "kind",
        "summary",
        "description",
        "keywords",
        "eligible_countries",
        "eligible_sizes",
        "min_trl",
        "japan_presence",
        "max_company_age",
        "japanese_entity",
        "opens_on",
        "closes_on",
        "starts_on",
        "ends_on",
    )
    return [
        OpportunityRow(
            pk=r["pk"],
            slug=r["slug"],
            title=r["title"],
            kind=r["kind"],
            text="\n".join([r["title"], r["summary"], r["description"], *[str(k) for k in r["keywords"] or []]]),
            areas=areas.get(r["pk"], {}),
            countries=_countries(r["eligible_countries"]),
            sizes=[str(s) for s in r["eligible_sizes"] or []],
            min_trl=r["min_trl"],
            presence=r["japan_presence"],
            certifications=certs.get(r["pk"], []),
            opens_on=r["opens_on"],
            closes_on=r["closes_on"],
            starts_on=r["starts_on"],
            ends_on=r["ends_on"],
            max_company_age=r["max_company_age"],
            japanese_entity=r["japanese_entity"],
        )
        for r in queryset.values(*fields)
    ]


def scoring_company_ids() -> list[int]:
    """Every firm's pk, in a stable order for chunking."""
    return list(Company.objects.order_by("pk").values_list("pk", flat=True))


def scoring_companies(
    *, ids: list[int] | None = None, pk_range: tuple[int, int] | None = None, today: datetime.date
) -> list[CompanyRow]:
    """Firms (all, those with IDS, or pks within PK_RANGE inclusive) with declared areas and unexpired
    certifications; four queries."""
    queryset = Company.objects.order_by("pk")
    related = Q()
    if ids is not None:
        queryset, related = queryset.filter(pk__in=ids), Q(company_id__in=ids)
    if pk_range is not None:
        queryset = queryset.filter(pk__gte=pk_range[0], pk__lte=pk_range[1])
        related = Q(company_id__gte=pk_range[0], company_id__lte=pk_range[1])
    through = Company.technology_areas.through
    areas: dict[int, list[str]] = defaultdict(list)
    for company_id, slug in through.objects.filter(related).values_list("company_id", "technologyarea__slug"):
        areas[company_id].append(slug)
    certs: dict[int, list[str]] = defaultdict(list)
    for company_id, code in (
        CompanyCertification.objects.valid(today).filter(related).values_list("company_id", "certification__code")
    ):
        certs[company_id].append(code)
    marks = _feedback_marks(related)  # workspace (#14)
    fields = (
        "pk",
        "slug",
        "name",
        "description",
        "country",
        "size",
        "founded",
        "trl",
        "japan_presence",
        "itar_controlled",
        "ear_controlled",
        "dsgl_controlled",
        "export_control_notes",
    )
    return [
        CompanyRow(
            pk=r["pk"],
            slug=r["slug"],
            name=r["name"],
            description=r["description"],
            country=str(r["country"]),
            size=r["size"],
            trl=r["trl"],
            presence=r["japan_presence"],
            areas=areas.get(r["pk"], []),
            certifications=certs.get(r["pk"], []),
            export_controlled=bool(r["itar_controlled"] or r["ear_controlled"] or r["dsgl_controlled"]),
            marked_areas=_marks_counted(marks.get(r["pk"], {}), ticked=areas.get(r["pk"], [])),
            founded=r["founded"],
        )
        for r in queryset.values(*fields)
    ]


def _feedback_marks(related: Q) -> dict[int, dict[str, tuple[int, list[list[str]]]]]:
    """Per firm, the areas it marked "wrong technology": in how many records, and the other main areas of those
    records that shared the main place (one query; docs/matching.md)."""
    marks: dict[int, dict[str, tuple[int, list[list[str]]]]] = defaultdict(dict)
    for company_id, slug, records, shared_with in FeedbackMark.objects.filter(related).values_list(
        "company_id", "technology_area__slug", "records", "shared_with"
    ):
        marks[company_id][slug] = (records, shared_with)
    return marks


def _marks_counted(marks: dict[str, tuple[int, list[list[str]]]], *, ticked: list[str]) -> dict[str, int]:
    """The marked records that count against each area. For an area the firm ticks, a record that shared its main
    place with areas the firm does not tick was marked for one of those, the firm's ticks say, so it does not count;
    a record whose other main areas the firm ticks too (or that had none) counts against all of them."""
    mine = set(ticked)
    counted = {
        slug: records - sum(1 for others in shared_with if slug in mine and not mine.issuperset(others))
        for slug, (records, shared_with) in marks.items()
    }
    return {slug: n for slug, n in counted.items() if n > 0}


def stored_match_floor(*, opportunity_id: int) -> dict[int, tuple[int, float]]:
    """Per firm: how many matches it keeps besides OPPORTUNITY_ID's, and the lowest score it keeps (two queries).

    The lowest is taken over all its matches, this opportunity's included: an index-only scan of (company, score)
    instead of a pass over the table, at the price of sometimes keeping one pair more than needed.
    """
    rows = Match.objects.values("company_id").annotate(n=Count("pk"), lowest=Min("score")).order_by()
    present = set(Match.objects.filter(opportunity_id=opportunity_id).values_list("company_id", flat=True))
    return {
        r["company_id"]: (r["n"] - (r["company_id"] in present), float(r["lowest"]))
        for r in rows.values("company_id", "n", "lowest")
    }


def firms_ranking_among_best(*, opportunity_id: int, best: int) -> set[int]:
    """The firms for which OPPORTUNITY_ID is among their BEST best eligible stored matches, in the order of
    `hooks.ChunkContext.best_opportunities` (score, then opportunity pk): one query. Each firm's search stops as soon
    as BEST of its matches are found ahead of this one (`EXISTS` with an offset), however many matches it has."""
    ahead = (
        Match.objects.filter(company_id=OuterRef("company_id"), eligible=True)
        .filter(Q(score__gt=OuterRef("score")) | Q(score=OuterRef("score"), opportunity_id__lt=opportunity_id))
        .values("pk")[best - 1 : best]
    )
    rows = Match.objects.filter(opportunity_id=opportunity_id, eligible=True).exclude(Exists(ahead)).order_by()
    return set(rows.values_list("company_id", flat=True))
