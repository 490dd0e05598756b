"""Reads of notices for other apps: which notices bear on a firm's match with a record (issue #13)."""

from collections import defaultdict
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone

from companies.models import Company
from notices.models import Notice
from programmes.models import OpportunityArea

Pair = tuple[int, int]


def _countries(value: Any) -> set[str]:
    """A multiple CountryField's value as codes, whichever shape the database hands back."""
    if isinstance(value, str):
        return {code for code in value.split(",") if code}
    return {str(getattr(code, "code", code)) for code in value or []}


def _links(through: type[models.Model], key: str, other: str, ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for left, right in through._default_manager.filter(**{f"{key}__in": ids}).values_list(key, other):
        out[left].add(right)
    return out


def notice_gaps_for(pairs: set[Pair]) -> dict[Pair, list[dict[str, Any]]]:
    """The published notices that bear on each (firm, record) pair, as gap items with a link to the notice.

    A notice bears on a record it is linked to or that shares one of its areas, and on a firm from one of its
    countries or that declares one of its areas; a notice naming neither countries nor areas bears on every firm.
    One query when there is no published notice, five otherwise, however many pairs.
    """
    notices = list(Notice.objects.published().newest_first().values("pk", "slug", "dated_on", "due_by", "countries"))
    if not notices or not pairs:
        return {}
    ids = [n["pk"] for n in notices]
    records = _links(Notice.records.through, "notice_id", "opportunity_id", ids)
    areas = _links(Notice.technology_areas.through, "notice_id", "technologyarea_id", ids)
    firm_ids, record_ids = {f for f, _ in pairs}, {r for _, r in pairs}
    firm_country = dict(Company.objects.filter(pk__in=firm_ids).values_list("pk", "country"))
    firm_areas = _links(Company.technology_areas.through, "company_id", "technologyarea_id", list(firm_ids))
    record_areas: dict[int, set[int]] = defaultdict(set)
    if any(areas.values()):
        rows = OpportunityArea.objects.filter(opportunity_id__in=record_ids)
        for record_id, area_id in rows.values_list("opportunity_id", "technology_area_id"):
            record_areas[record_id].add(area_id)
    out: dict[Pair, list[dict[str, Any]]] = {}
    for firm_id, record_id in sorted(pairs):
        items = []
        for notice in notices:
            n_areas, countries = areas.get(notice["pk"], set()), _countries(notice["countries"])
            on_record = record_id in records.get(notice["pk"], set())
            if not (on_record or n_areas & record_areas[record_id]):
                continue
            firm_named = str(firm_country.get(firm_id, "")) in countries or bool(n_areas & firm_areas[firm_id])
            if (countries or n_areas) and not firm_named:
                continue
            items.append(_item(notice, on_record=on_record))
        if items:
            out[(firm_id, record_id)] = items
    return out


def _item(notice: dict[str, Any], *, on_record: bool) -> dict[str, Any]:
    dated, due = notice["dated_on"], notice["due_by"]
    # A change still to come is told by when it is due, even when the notice also dates its announcement.
    ahead = due is not None and (dated is None or due >= timezone.localdate())
    code, day = ("notice_due", due) if ahead else ("notice", dated)
    url = reverse("api:notice-detail", kwargs={"version": "v1", "slug": notice["slug"]})  # what API clients get
    page = reverse("notices:notice_detail", kwargs={"slug": notice["slug"]})  # what pages link, in their language
    return {
        "code": code,
        "params": {"notice": notice["slug"], "date": day.isoformat()},
        "notice": {"slug": notice["slug"], "url": url, "page": page, "on_record": on_record},
    }


def notice_title_map() -> dict[str, tuple[str, str]]:
    """Every published notice's title and Japanese title by slug (one query)."""
    return {
        slug: (title, title_ja)
        for slug, title, title_ja in Notice.objects.published().values_list("slug", "title", "title_ja")
    }
