"""Reading a CSV file of firms and checking every row, without writing: the first half of companies.importing.

Every refusal names its line and field (docs/import.md); the format's rules live here, the writing in importing.
"""

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from companies.models import DESCRIPTION_MAX, FOUNDED_MIN, Company, website_validate
from companies.services import company_slug
from portal.text import punct
from programmes.models import Certification, TechnologyArea

# Every file has these columns, in any order.
HEADER = ["name", "country", "size", "founded", "website", "description", "technology_areas", "trl", "certifications"]
OPTIONAL = ["japan_presence"]  # columns a file may leave out; a firm's value is then left as it is
COLUMNS = [*HEADER, *OPTIONAL]
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() would also take "٥" or "5_0"
SHOWN_MAX = 80  # characters of a bad value quoted back in a message (issue 6: a 100 000-column header stays readable)


@dataclass(frozen=True)
class RowError:
    """One reason a file was refused, reported as `line N, field F: why`."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, field %(field)s: %(why)s") % {
            "line": self.line,
            "field": self.field,
            "why": self.message,
        }


class CompanyImportError(Exception):
    """The file was refused and nothing was written; ERRORS lists every reason."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported")
        self.errors = errors


@dataclass(frozen=True)
class Row:
    """One checked line of the file, ready to write."""

    line: int
    slug: str
    values: dict[str, Any]
    area_ids: frozenset[int]
    certification_ids: frozenset[int]


def shown(value: str) -> str:
    """VALUE as an error message quotes it: cut short when long, so the message stays readable."""
    return value if len(value) <= SHOWN_MAX else f"{value[:SHOWN_MAX]}… ({len(value)} characters)"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # strips a byte-order mark if there is one
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        why = _("the file is not UTF-8 (byte 0x%(byte)s cannot be read); save it as CSV UTF-8") % {
            "byte": f"{data[exc.start]:02x}"
        }
        raise CompanyImportError([RowError(line, "file", why)]) from exc


def check_header(reader: Iterator[list[str]]) -> list[str]:
    """The file's columns, lower case, in its order: HEADER's, in any order, and any of OPTIONAL's."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CompanyImportError([RowError(1, "header", str(exc))]) from exc
    if header is None:
        raise CompanyImportError([RowError(1, "header", _("the file is empty; expected a header row"))])
    got = [column.strip().lower() for column in header]
    # A spreadsheet saved as CSV may end every line with empty cells (a column once used, then cleared): nameless
    # columns after the last named one are no columns; a value under one is refused on its row (RowChecker.check).
    while got and not got[-1]:
        got.pop()
    problems = header_problems(got)
    if problems:
        why = _("%(problems)s; expected the header %(expected)s (optional columns: %(optional)s)") % {
            "problems": punct("|").join(problems),
            "expected": ",".join(HEADER),
            "optional": ",".join(OPTIONAL),
        }
        raise CompanyImportError([RowError(1, "header", why)])
    return got


def header_problems(got: list[str]) -> list[str]:
    """What is wrong with the columns GOT, each naming its columns: unknown ones, ones given twice, missing ones."""
    unknown = [column for column in got if column not in COLUMNS]
    twice = sorted({column for column in got if column in COLUMNS and got.count(column) > 1}, key=got.index)
    missing = [column for column in HEADER if column not in got]
    wording: list[tuple[list[str], Callable[[int], str]]] = [
        (unknown, lambda n: ngettext("unknown column %(columns)s", "unknown columns %(columns)s", n)),
        (twice, lambda n: ngettext("column %(columns)s given twice", "columns %(columns)s given twice", n)),
        (missing, lambda n: ngettext("missing column %(columns)s", "missing columns %(columns)s", n)),
    ]
    # A file's columns are cut short like any quoted value (issue 6: a 100 000-column header); ours are listed whole.
    return [
        words(len(columns)) % {"columns": listed(columns, cut=columns is not missing)}
        for columns, words in wording
        if columns
    ]


def listed(values: list[str], *, cut: bool = True) -> str:
    """VALUES quoted and listed as the reader's language writes them; cut short when long and CUT."""
    text = punct(",").join(quoted(value) for value in values)
    return shown(text) if cut else text


def quoted(value: str) -> str:
    """VALUE in the reader's quotation marks: 'uav' in English, 「uav」 in Japanese."""
    return _("'%(value)s'") % {"value": value}


def records(
    reader: Any, errors: list[RowError], text: str = "", columns: list[str] = HEADER
) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted description may span lines).

    TEXT is the whole file, read again only to name the column of a field too long for the CSV reader.
    """
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(unreadable(start, str(exc), text, columns))
            return
        line, start = start, reader.line_num + 1
        if any(value.strip() for value in record):
            yield line, record


def unreadable(line: int, why: str, text: str, columns: list[str] = HEADER) -> RowError:
    """The CSV reader's refusal of the record starting on LINE, in plain words where it is a field too long."""
    if "field larger than field limit" not in why:
        return RowError(line, "file", _("unreadable CSV: %(why)s") % {"why": why})
    limit = csv.field_size_limit()
    column = oversized_column(text, line, limit)
    field = columns[column] if column is not None and column < len(columns) else "file"
    why = _("longer than %(limit)s characters, the most a CSV field may hold; the file was not read past this line") % {
        "limit": f"{limit:,}"
    }
    return RowError(line, field, why)


def oversized_column(text: str, line: int, limit: int) -> int | None:
    """The index of the first field longer than LIMIT in the record starting on LINE of TEXT, if there is one."""
    position = 0
    for _skipped in range(line - 1):
        position = text.find("\n", position) + 1
        if position == 0:
            return None
    column, length, quoted = 0, 0, False
    for char in itertools.islice(text, position, None):
        if char == '"':
            quoted = not quoted  # a doubled quote inside a quoted field toggles twice: the length barely matters
        elif char == "," and not quoted:
            column, length = column + 1, 0
            continue
        elif char == "\n" and not quoted:
            return None
        length += 1
        if length > limit:
            return column
    return None


class RowChecker:
    """Checks rows against the model's rules and the reference data, one message per bad field."""

    def __init__(self, columns: list[str] = HEADER) -> None:
        self.columns = columns  # the file's, in its order
        self.countries = {code for code, _name in countries}
        self.sizes = list(Company.Size.values)
        self.presences = list(Company.Presence.values)
        # Area slugs and certification codes are read in any case, as countries and sizes are ("UAV", "AS9100D").
        self.areas = {slug.lower(): pk for slug, pk in TechnologyArea.objects.values_list("slug", "pk")}
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
        if len(record) > len(self.columns) and not any(value.strip() for value in record[len(self.columns) :]):
            record = record[: len(self.columns)]  # empty cells after the header's last column (check_header)
        if len(record) != len(self.columns):
            why = _("expected %(expected)s columns but found %(found)s") % {
                "expected": len(self.columns),
                "found": len(record),
            }
            errors.append(RowError(line, "row", why))
            return None
        raw = {name: value.strip() for name, value in zip(self.columns, record, strict=True)}
        row_errors: list[RowError] = []

        def fail(name: str, why: str) -> None:
            row_errors.append(RowError(line, name, why))

        for name, value in raw.items():
            if "\x00" in value:  # PostgreSQL text cannot hold it; the forms and the API refuse it too
                fail(name, _("contains a NUL character"))
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
        presence = self._presence(raw.get("japan_presence", ""), fail)
        if presence is not None:  # empty or no column: a new firm gets the default (none), a firm's own stays
            values["japan_presence"] = presence
        if not raw["description"]:
            fail("description", _("empty description"))
        elif len(raw["description"]) > DESCRIPTION_MAX:
            sizes = {"limit": f"{DESCRIPTION_MAX:,}", "given": f"{len(raw['description']):,}"}
            fail("description", _("longer than %(limit)s characters (%(given)s given)") % sizes)
        area_ids = self._lookup(raw["technology_areas"], self.areas, "technology_areas", _("technology area"), fail)
        certification_ids = self._lookup(
            raw["certifications"], self.certifications, "certifications", _("certification code"), fail
        )
        errors.extend(row_errors)
        if row_errors:
            return None
        return Row(line, slug, values, area_ids, certification_ids)

    def _name(self, name: str, fail: Any, line: int) -> str:
        if not name:
            fail("name", _("empty name"))
            return ""
        if len(name) > self.name_max:
            fail("name", _("longer than %(limit)s characters") % {"limit": self.name_max})
        slug = company_slug(name)
        if slug not in self.slugs:
            slug = self.by_name.get(name.casefold(), slug)
        if not slug:
            fail("name", _("'%(name)s' has no letters or digits to make an address from") % {"name": shown(name)})
        elif slug in self.seen:
            first_line, first_name = self.seen[slug]
            why = _("duplicate of line %(line)s: '%(name)s' and '%(first)s' both give the slug '%(slug)s'")
            fail("name", why % {"line": first_line, "name": shown(name), "first": shown(first_name), "slug": slug})
        else:
            self.seen[slug] = (line, name)
        return slug

    def _country(self, value: str, fail: Any) -> str:
        code = value.upper()
        if code not in self.countries:
            why = _("unknown country '%(value)s': use an ISO 3166 two-letter code such as AU, US or JP")
            fail("country", why % {"value": shown(value)})
        return code

    def _size(self, value: str, fail: Any) -> str:
        size = value.lower()
        if size not in self.sizes:
            why = _("'%(value)s' is not a size: use one of %(sizes)s")
            fail("size", why % {"value": shown(value), "sizes": ", ".join(self.sizes)})
        return size

    def _presence(self, value: str, fail: Any) -> str | None:
        if not value:
            return None
        presence = value.lower()
        if presence not in self.presences:
            why = _("'%(value)s' is not a presence in Japan: use one of %(choices)s, or leave it empty")
            fail("japan_presence", why % {"value": shown(value), "choices": punct(",").join(self.presences)})
        return presence

    def _founded(self, value: str, fail: Any) -> int | None:
        if not value:
            return None
        # isdecimal, not isdigit: superscript and circled digits are digits int() cannot read.
        if not value.isdecimal() or not FOUNDED_MIN <= int(value) <= self.this_year:
            why = _("'%(value)s' is not a year from %(first)s to %(last)s")
            fail("founded", why % {"value": shown(value), "first": FOUNDED_MIN, "last": self.this_year})
            return None
        return int(value)

    def _website(self, value: str, fail: Any) -> str:
        if not value:
            return ""
        if len(value) > self.website_max:
            fail("website", _("longer than %(limit)s characters") % {"limit": self.website_max})
            return value
        try:
            self.url(value)
        except ValidationError:
            why = _("malformed URL '%(value)s': give a full address such as https://example.com")
            fail("website", why % {"value": value})
            return value
        try:
            website_validate(value)  # the profile's own rule: https:// and a public host
        except ValidationError as error:
            fail("website", " ".join(error.messages))
        return value

    def _trl(self, value: str, fail: Any) -> int | None:
        if not value:
            return None
        if not WHOLE_NUMBER.fullmatch(value):  # "5.0" and "six" are not out of range, they are not whole numbers
            why = _("TRL '%(value)s' is not a whole number: use a whole number from 1 to 9, or leave it empty")
            fail("trl", why % {"value": shown(value)})
            return None
        if not 1 <= int(value) <= 9:
            why = _("TRL '%(value)s' is out of range: use a whole number from 1 to 9, or leave it empty")
            fail("trl", why % {"value": shown(value)})
            return None
        return int(value)

    def _lookup(self, value: str, known: dict[str, int], name: str, what: str, fail: Any) -> frozenset[int]:
        keys = [key.strip() for key in value.split(";") if key.strip()]
        unknown = [key for key in keys if key.lower() not in known]
        if unknown:
            fail(
                name,
                _("unknown %(what)s %(keys)s") % {"what": what, "keys": listed(unknown)},
            )
        return frozenset(known[key.lower()] for key in keys if key.lower() in known)
