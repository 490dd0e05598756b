"""CSV cells that spreadsheets open as text, for every export (formula injection, CWE-1236)."""

import re
from collections.abc import Iterable
from typing import Any

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
