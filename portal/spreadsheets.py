"""CSV downloads that spreadsheets open as written: UTF-8 they recognise, and cells as text (formula injection,
CWE-1236), for every export."""

import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.template.defaultfilters import floatformat

from portal.text import reading_japanese

# Excel takes a CSV file without a byte-order mark for the machine's legacy code page, so Japanese text (reasons,
# titles, partner names) opens garbled; with it, Excel and LibreOffice read UTF-8. Python reads it with "utf-8-sig".
BYTE_ORDER_MARK = "\ufeff"

# Excel and LibreOffice run a cell starting with one of these as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: Any) -> Any:
    """VALUE, with a leading apostrophe if it is text a spreadsheet would run; plain numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row of an export with every cell made safe to open in a spreadsheet."""
    return [csv_cell(value) for value in values]


def one_decimal(value: float) -> str:
    """VALUE to one decimal as the pages show it (Django's floatformat, half up on the number's decimal text), so an
    export agrees with its page: 66.55 is 66.6 in both, where Python's format gives 66.5 (its binary value)."""
    return str(floatformat(value, "1u"))


def csv_word(code: str, label: Any) -> str:
    """A fixed word of an export: CODE in English, as the file has always been written for the scripts that read it;
    LABEL, translated, for a reader of the Japanese export (/ja/)."""
    return str(label) if reading_japanese() else code


def csv_header(columns: Iterable[tuple[str, Any]]) -> list[str]:
    """An export's header row from its (column name, label) pairs, each written as `csv_word` writes a word."""
    return [csv_word(name, label) for name, label in columns]


def csv_download(filename: str) -> HttpResponse:
    """An empty CSV attachment named FILENAME, its byte-order mark written; write rows to it with csv.writer."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BYTE_ORDER_MARK)
    return response
