"""Bulk import of firms from CSV: check the whole file, then write all of it in one transaction or nothing.

Used by `manage.py import_companies` and by the consultants' upload page in the admin. The format is in
docs/import.md (issue #3).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from tqdm import tqdm

from companies.bulk import rows_delete, rows_insert, rows_update
from companies.import_rows import (  # noqa: F401  # HEADER and the errors are imported from here too
    HEADER,
    OPTIONAL,
    CompanyImportError,
    Row,
    RowChecker,
    RowError,
    check_header,
    decode,
    records,
)
from companies.models import Company, CompanyCertification, Membership
from companies.services import company_history_record
from matching import dispatch  # the one upward hook (docs/architecture.md)
from portal.generations import generations_bump
from portal.reasons import reason_with_detail
from portal.text import punct

# The columns an import owns; a firm's other fields (contact, export control) are left as they are. The presence in
# Japan is an optional column: a row that leaves it out or empty leaves the firm's as it is.
IMPORTED_FIELDS = ("name", "country", "size", "founded", "website", "description", "trl", "japan_presence")
NAMES_KEPT = 20  # firms named per list in an import's outcome; the counts give the rest
CHUNK = 5000  # firms read, compared and written per round of queries
PROGRESS_FROM = 1000  # rows; smaller files get no progress bar
COMPANY_COLUMNS = [field.attname for field in Company._meta.concrete_fields]
# A new firm's columns before the file's values go in: the model's defaults (plain values, not enum members).
NEW_COMPANY = {
    field.attname: getattr(field.get_default(), "value", field.get_default())
    for field in Company._meta.concrete_fields
    if not field.primary_key
}
AREA_LINK = Company.technology_areas.through
IMPORT_REASON = gettext_noop("CSV import")  # stored as written, with ": <file name>" when the file has one

T = TypeVar("T")
# Told (stage, done, total) as an import goes: "checking" rows, then "writing" firms.
Report = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """What a successful import did, and which firms it touched."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    company_ids: list[int] = field(default_factory=list)
    # The first NAMES_KEPT firms created and updated, in the file's order: a re-import overwrites staff edits
    # (docs/import.md), so the consultant is told whose profiles it wrote.
    created_names: list[str] = field(default_factory=list)
    updated_names: list[str] = field(default_factory=list)
    # The firms updated whose own staff had edited them since their last import: edits this import overwrote.
    overwritten: int = 0
    overwritten_names: list[str] = field(default_factory=list)

    def names_created(self) -> str:
        """The firms created, as the command and the upload page name them ("A, B and 3 more")."""
        return firm_names(self.created_names, self.created)

    def names_updated(self) -> str:
        """The firms updated, named the same way."""
        return firm_names(self.updated_names, self.updated)

    def staff_edits_overwritten(self) -> str:
        """The warning naming the firms whose staff edits this import overwrote; empty when there were none."""
        if not self.overwritten:
            return ""
        return _(
            "Staff edits overwritten: %(names)s. Their own staff had changed these firms since the last import; each "
            "firm's history keeps what they wrote."
        ) % {"names": firm_names(self.overwritten_names, self.overwritten)}


def firm_names(names: list[str], count: int) -> str:
    """NAMES in the reader's language, then how many of COUNT firms are left unnamed."""
    listed = punct(",").join(names)
    if count <= len(names):
        return listed
    return _("%(names)s and %(count)s more") % {"names": listed, "count": count - len(names)}


def companies_import(
    *, data: bytes, by: User | None, source: str = "", progress: bool = False, report: Report | None = None
) -> ImportResult:
    """Check every row of a CSV file of firms, then create and update them all in one transaction.

    Raises CompanyImportError listing every bad row when anything is wrong; nothing is written then.
    REPORT, if given, is told (stage, done, total) every CHUNK rows: background imports show it as progress.
    """
    rows = companies_import_check(data=data, progress=progress, report=report)
    result = ImportResult()
    reason = reason_with_detail(IMPORT_REASON, source.strip())
    now = timezone.now()
    written = 0
    with transaction.atomic():
        bar = tqdm(total=len(rows), desc="writing", unit="firm", disable=not progress or len(rows) < PROGRESS_FROM)
        with bar:
            for chunk in _batched(rows, CHUNK):
                _write_chunk(chunk, by=by, reason=reason, now=now, result=result)
                bar.update(len(chunk))
                written += len(chunk)
                if report is not None:
                    report("writing", written, len(rows))
        # The rescore runs when this block commits (in-process with eager tasks): free the parsed rows first, so
        # the import's memory and the scorer's are not held at once (issue 17, finding 8).
        rows.clear()
        if result.company_ids:
            dispatch.companies_rescore_later(company_ids=result.company_ids, by=by)  # one run for the whole file
            generations_bump("companies")  # COPY sends no signals
    return result


def companies_import_check(*, data: bytes, progress: bool = False, report: Report | None = None) -> list[Row]:
    """Parse and check the whole file without writing; raise CompanyImportError with every bad row."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = check_header(reader)
    checker = RowChecker(columns)
    rows: list[Row] = []
    errors: list[RowError] = []
    total = max(text.count("\n") - 1, 0)  # lines after the header: the row count unless descriptions span lines
    bar = tqdm(desc="checking", total=total, unit="row", disable=not progress or total < PROGRESS_FROM)
    with bar:
        for checked, (line, record) in enumerate(records(reader, errors, text, columns), start=1):
            row = checker.check(line, record, errors)
            if row is not None:
                rows.append(row)
            bar.update(1)
            if report is not None and checked % CHUNK == 0:
                report("checking", checked, total)
    if errors:
        raise CompanyImportError(errors)
    return rows


def _write_chunk(rows: Sequence[Row], *, by: User | None, reason: str, now: datetime, result: ImportResult) -> None:
    """Create, update and relink one chunk of firms; unchanged firms get no write and no history row."""
    existing = {
        current["slug"]: current
        for current in Company.objects.filter(slug__in=[row.slug for row in rows]).values(*COMPANY_COLUMNS)
    }
    existing_ids = [current["id"] for current in existing.values()]
    areas = _links(AREA_LINK, "technologyarea_id", existing_ids)
    certifications = _links(CompanyCertification, "certification_id", existing_ids)

    created: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    changed_fields: set[str] = set()
    rewritten: dict[int, set[str]] = {}  # each updated firm's fields (and links) this import writes anew
    area_plan, certification_plan = _LinkPlan("technologyarea_id"), _LinkPlan("certification_id")
    for row in rows:
        current = existing.get(row.slug)
        if current is None:
            created.append({**NEW_COMPANY, **row.values, "slug": row.slug, "created_at": now, "updated_at": now})
            continue
        fields = [name for name in IMPORTED_FIELDS if name in row.values and current[name] != row.values[name]]
        relinked = {
            name
            for name, changes in (
                ("technology_areas", area_plan.plan(current["id"], areas.get(current["id"], {}), row.area_ids)),
                (
                    "certifications",
                    certification_plan.plan(
                        current["id"], certifications.get(current["id"], {}), row.certification_ids
                    ),
                ),
            )
            if changes
        }
        if fields or relinked:
            rewritten[current["id"]] = {*fields, *relinked}
            current.update({name: row.values[name] for name in fields}, updated_at=now)
            changed_fields.update(fields)
            updated.append(current)

    overwritten = _staff_edited(rewritten)  # asked before this import's history rows
    for company, company_id in zip(created, rows_insert(Company, created), strict=True):
        company["id"] = company_id
    new_rows = [row for row in rows if row.slug not in existing]
    for company, row in zip(created, new_rows, strict=True):
        area_plan.plan(company["id"], {}, row.area_ids)
        certification_plan.plan(company["id"], {}, row.certification_ids)
    rows_update(Company, updated, sorted(changed_fields | {"updated_at"}))
    new_area_links = area_plan.apply(AREA_LINK)
    certification_plan.apply(CompanyCertification)

    final_areas = _final_links(areas, area_plan, new_area_links)
    company_history_record(snapshots=created, created=True, by=by, reason=reason, area_links=final_areas)
    company_history_record(snapshots=updated, created=False, by=by, reason=reason, area_links=final_areas)
    result.created += len(created)
    result.updated += len(updated)
    result.unchanged += len(rows) - len(created) - len(updated)
    result.company_ids.extend(company["id"] for company in [*created, *updated])
    result.created_names.extend(company["name"] for company in created[: NAMES_KEPT - len(result.created_names)])
    result.updated_names.extend(company["name"] for company in updated[: NAMES_KEPT - len(result.updated_names)])
    edited = [company["name"] for company in updated if company["id"] in overwritten]
    result.overwritten += len(edited)
    result.overwritten_names.extend(edited[: NAMES_KEPT - len(result.overwritten_names)])


def _staff_edited(rewritten: dict[int, set[str]]) -> set[int]:
    """The firms among REWRITTEN (firm id -> the fields and links this import writes anew) whose own staff changed
    one of those fields after the firm's last CSV import (or at any time, for a firm never imported): each history
    row since that import by a member of the firm, diffed against the row before it. An edit of a field the file
    does not write (the alert threshold) or writes unchanged is not overwritten, so it is not named."""
    if not rewritten:
        return set()
    history = Company.history.model.objects
    imported = Q(history_change_reason=IMPORT_REASON) | Q(history_change_reason__startswith=f"{IMPORT_REASON}: ")
    last_import = history.filter(imported, id=OuterRef("id")).order_by("-history_date").values("history_date")[:1]
    by_staff = Membership.objects.filter(company_id=OuterRef("id"), user_id=OuterRef("history_user_id"))
    edits = (
        history.filter(Exists(by_staff), id__in=list(rewritten))
        .annotate(last_import=Subquery(last_import))
        .filter(Q(last_import__isnull=True) | Q(history_date__gt=F("last_import")))
        .order_by("id", "history_date")
    )
    found: set[int] = set()
    for edit in edits:  # firms whose staff edited them since their import: few, and each asked once
        if edit.id in found:
            continue
        before = edit.prev_record
        changed = (
            rewritten[edit.id]
            if before is None  # the firm's first row: its staff wrote every field
            else {change.field for change in edit.diff_against(before).changes}
        )
        if changed & rewritten[edit.id]:
            found.add(edit.id)
    return found


class _LinkPlan:
    """Rows of a firm-to-reference link table to delete and to add, worked out firm by firm."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.delete: list[int] = []
        self.add: list[dict[str, int]] = []

    def plan(self, company_id: int, held: dict[int, int], wanted: frozenset[int]) -> bool:
        """HELD maps target id -> link id. True if the firm's links change."""
        gone = [link_id for target_id, link_id in held.items() if target_id not in wanted]
        new = [
            {"company_id": company_id, self.target: target_id} for target_id in sorted(wanted) if target_id not in held
        ]
        self.delete.extend(gone)
        self.add.extend(new)
        return bool(gone or new)

    def apply(self, model: Any) -> list[tuple[int, int, int]]:
        """Write the plan; return the new links as (link id, company id, target id)."""
        rows_delete(model, self.delete)
        ids = rows_insert(model, self.add)
        return [(link_id, link["company_id"], link[self.target]) for link_id, link in zip(ids, self.add, strict=True)]


def _links(model: Any, target: str, company_ids: list[int]) -> dict[int, dict[int, int]]:
    """company id -> {target id: link id} for the firms already in the database."""
    links: dict[int, dict[int, int]] = {}
    if company_ids:
        for link_id, company_id, target_id in model.objects.filter(company_id__in=company_ids).values_list(
            "pk", "company_id", target
        ):
            links.setdefault(company_id, {})[target_id] = link_id
    return links


def _final_links(
    held: dict[int, dict[int, int]], plan: _LinkPlan, new_links: list[tuple[int, int, int]]
) -> dict[int, list[tuple[int, int]]]:
    """company id -> (link id, area id) after the chunk was written: what the history rows snapshot."""
    deleted = set(plan.delete)
    final: dict[int, list[tuple[int, int]]] = {
        company_id: [(link_id, area_id) for area_id, link_id in links.items() if link_id not in deleted]
        for company_id, links in held.items()
    }
    for link_id, company_id, area_id in new_links:
        final.setdefault(company_id, []).append((link_id, area_id))
    return final


def _batched(items: Sequence[T] | Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
