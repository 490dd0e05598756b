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
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django_countries import countries
from tqdm import tqdm

from companies.bulk import rows_delete, rows_insert, rows_update
from companies.models import Company, CompanyCertification
from companies.services import company_history_record, company_slug
from matching import dispatch  # the one upward hook (docs/architecture.md)
from portal.generations import generations_bump
from programmes.models import Certification, TechnologyArea

HEADER = ["name", "country", "size", "founded", "website", "description", "technology_areas", "trl", "certifications"]
# The columns an import owns; a firm's other fields (contact, export control, presence) are left as they are.
IMPORTED_FIELDS = ("name", "country", "size", "founded", "website", "description", "trl")
CHUNK = 5000  # firms read, compared and written per round of queries
PROGRESS_FROM = 1000  # rows; smaller files get no progress bar
FOUNDED_MIN = 1800
SHOWN_MAX = 80  # characters of a bad value quoted back in a message (issue 6: a 100 000-column header stays readable)
COMPANY_COLUMNS = [field.attname for field in Company._meta.concrete_fields]
# A new firm's columns before the file's values go in: the model's defaults (plain values, not enum members).
NEW_COMPANY = {
    field.attname: getattr(field.get_default(), "value", field.get_default())
    for field in Company._meta.concrete_fields
    if not field.primary_key
}
AREA_LINK = Company.technology_areas.through

T = TypeVar("T")
# Told (stage, done, total) as an import goes: "checking" rows, then "writing" firms.
Report = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowError:
    """One reason a file was refused, reported as `line N, field F: why`."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.message}"


class CompanyImportError(Exception):
    """The file was refused and nothing was written; ERRORS lists every reason."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported")
        self.errors = errors


@dataclass
class ImportResult:
    """What a successful import did, and which firms it touched."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    company_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One checked line of the file, ready to write."""

    line: int
    slug: str
    values: dict[str, Any]
    area_ids: frozenset[int]
    certification_ids: frozenset[int]


def companies_import(
    *, data: bytes, by: User | None, source: str = "", progress: bool = False, report: Report | None = None
) -> ImportResult:
    """Check every row of a CSV file of firms, then create and update them all in one transaction.

    Raises CompanyImportError listing every bad row when anything is wrong; nothing is written then.
    REPORT, if given, is told (stage, done, total) every CHUNK rows: background imports show it as progress.
    """
    rows = companies_import_check(data=data, progress=progress, report=report)
    result = ImportResult()
    reason = f"CSV import {source}".strip()
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
            dispatch.companies_rescore_later(company_ids=result.company_ids)  # one run for the whole file
            generations_bump("companies")  # COPY sends no signals
    return result


def companies_import_check(*, data: bytes, progress: bool = False, report: Report | None = None) -> list[Row]:
    """Parse and check the whole file without writing; raise CompanyImportError with every bad row."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    _check_header(reader)
    checker = _RowChecker()
    rows: list[Row] = []
    errors: list[RowError] = []
    total = max(text.count("\n") - 1, 0)  # lines after the header: the row count unless descriptions span lines
    bar = tqdm(desc="checking", total=total, unit="row", disable=not progress or total < PROGRESS_FROM)
    with bar:
        for checked, (line, record) in enumerate(_records(reader, errors), start=1):
            row = checker.check(line, record, errors)
            if row is not None:
                rows.append(row)
            bar.update(1)
            if report is not None and checked % CHUNK == 0:
                report("checking", checked, total)
    if errors:
        raise CompanyImportError(errors)
    return rows


def _shown(value: str) -> str:
    """VALUE as an error message quotes it: cut short when long, so the message stays readable."""
    return value if len(value) <= SHOWN_MAX else f"{value[:SHOWN_MAX]}… ({len(value)} characters)"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # strips a byte-order mark if there is one
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        why = f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be read); save it as CSV UTF-8"
        raise CompanyImportError([RowError(line, "file", why)]) from exc


def _check_header(reader: Iterator[list[str]]) -> None:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CompanyImportError([RowError(1, "header", str(exc))]) from exc
    if header is None:
        raise CompanyImportError([RowError(1, "header", "the file is empty; expected a header row")])
    got = [column.strip().lower() for column in header]
    if got != HEADER:
        why = f"expected the header {','.join(HEADER)} but found {_shown(','.join(header))}"
        raise CompanyImportError([RowError(1, "header", why)])


def _records(reader: Any, errors: list[RowError]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted description may span lines)."""
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RowError(start, "file", f"unreadable CSV: {exc}"))
            return
        line, start = start, reader.line_num + 1
        if any(value.strip() for value in record):
            yield line, record


class _RowChecker:
    """Checks rows against the model's rules and the reference data, one message per bad field."""

    def __init__(self) -> None:
        self.countries = {code for code, _name in countries}
        self.sizes = list(Company.Size.values)
        self.areas = dict(TechnologyArea.objects.values_list("slug", "pk"))
        self.certifications = {code.lower(): pk for code, pk in Certification.objects.values_list("code", "pk")}
        self.url = URLValidator(schemes=["http", "https"])
        self.name_max = Company._meta.get_field("name").max_length
        self.website_max = Company._meta.get_field("website").max_length
        self.this_year = timezone.localdate().year
        self.seen: dict[str, tuple[int, str]] = {}  # slug -> the line and name it first appeared with
        # A row is the firm of its slug, or else the firm of its name: a curated firm's slug need not come from its
        # name ("ocius" for Ocius Technology), and re-importing it must update it, not add a second one.
        self.slugs: set[str] = set()
        self.by_name: dict[str, str] = {}
        for slug, name in Company.objects.order_by("pk").values_list("slug", "name"):
            self.slugs.add(slug)
            self.by_name.setdefault(name.casefold(), slug)

    def check(self, line: int, record: list[str], errors: list[RowError]) -> Row | None:
        if len(record) != len(HEADER):
            errors.append(RowError(line, "row", f"expected {len(HEADER)} columns but found {len(record)}"))
            return None
        raw = {name: value.strip() for name, value in zip(HEADER, record, strict=True)}
        row_errors: list[RowError] = []

        def fail(name: str, why: str) -> None:
            row_errors.append(RowError(line, name, why))

        for name, value in raw.items():
            if "\x00" in value:  # PostgreSQL text cannot hold it; the forms and the API refuse it too
                fail(name, "contains a NUL character")
                raw[name] = value.replace("\x00", "")

        slug = self._name(raw["name"], fail, line)
        values = {
            "name": raw["name"],
            "country": self._country(raw["country"], fail),
            "size": self._size(raw["size"], fail),
            "founded": self._founded(raw["founded"], fail),
            "website": self._website(raw["website"], fail),
            "description": raw["description"],
            "trl": self._trl(raw["trl"], fail),
        }
        if not raw["description"]:
            fail("description", "empty description")
        area_ids = self._lookup(raw["technology_areas"], self.areas, "technology_areas", "technology area", fail)
        certification_ids = self._lookup(
            raw["certifications"].lower(), self.certifications, "certifications", "certification code", fail
        )
        errors.extend(row_errors)
        if row_errors:
            return None
        return Row(line, slug, values, area_ids, certification_ids)

    def _name(self, name: str, fail: Any, line: int) -> str:
        if not name:
            fail("name", "empty name")
            return ""
        if len(name) > self.name_max:
            fail("name", f"longer than {self.name_max} characters")
        slug = company_slug(name)
        if slug not in self.slugs:
            slug = self.by_name.get(name.casefold(), slug)
        if not slug:
            fail("name", f"'{_shown(name)}' has no letters or digits to make an address from")
        elif slug in self.seen:
            first_line, first_name = self.seen[slug]
            names = f"'{_shown(name)}' and '{_shown(first_name)}'"
            fail("name", f"duplicate of line {first_line}: {names} both give the slug '{slug}'")
        else:
            self.seen[slug] = (line, name)
        return slug

    def _country(self, value: str, fail: Any) -> str:
        code = value.upper()
        if code not in self.countries:
            fail("country", f"unknown country '{_shown(value)}': use an ISO 3166 two-letter code such as AU, US or JP")
        return code

    def _size(self, value: str, fail: Any) -> str:
        size = value.lower()
        if size not in self.sizes:
            fail("size", f"'{_shown(value)}' is not a size: use one of {', '.join(self.sizes)}")
        return size

    def _founded(self, value: str, fail: Any) -> int | None:
        if not value:
            return None
        if not value.isdigit() or not FOUNDED_MIN <= int(value) <= self.this_year:
            fail("founded", f"'{_shown(value)}' is not a year from {FOUNDED_MIN} to {self.this_year}")
            return None
        return int(value)

    def _website(self, value: str, fail: Any) -> str:
        if not value:
            return ""
        if len(value) > self.website_max:
            fail("website", f"longer than {self.website_max} characters")
            return value
        try:
            self.url(value)
        except ValidationError:
            fail("website", f"malformed URL '{value}': give a full address such as https://example.com")
        return value

    def _trl(self, value: str, fail: Any) -> int | None:
        if not value:
            return None
        if not value.isdigit() or not 1 <= int(value) <= 9:
            fail("trl", f"TRL '{_shown(value)}' is out of range: use a whole number from 1 to 9, or leave it empty")
            return None
        return int(value)

    def _lookup(self, value: str, known: dict[str, int], name: str, what: str, fail: Any) -> frozenset[int]:
        keys = [key.strip() for key in value.split(";") if key.strip()]
        unknown = [key for key in keys if key not in known]
        if unknown:
            fail(name, f"unknown {what} {_shown(', '.join(repr(key) for key in unknown))}")
        return frozenset(known[key] for key in keys if key in known)


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
    area_plan, certification_plan = _LinkPlan("technologyarea_id"), _LinkPlan("certification_id")
    for row in rows:
        current = existing.get(row.slug)
        if current is None:
            created.append({**NEW_COMPANY, **row.values, "slug": row.slug, "created_at": now, "updated_at": now})
            continue
        fields = [name for name in IMPORTED_FIELDS if current[name] != row.values[name]]
        relinked = area_plan.plan(current["id"], areas.get(current["id"], {}), row.area_ids)
        relinked |= certification_plan.plan(current["id"], certifications.get(current["id"], {}), row.certification_ids)
        if fields or relinked:
            current.update({name: row.values[name] for name in fields}, updated_at=now)
            changed_fields.update(fields)
            updated.append(current)

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
