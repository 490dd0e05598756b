"""A firm's own terms as a reason cites them: each once, none inside a longer one (no Django import)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def _contained(term: str, other: str) -> bool:
    """Whether TERM is a whole word or phrase inside the longer OTHER ("UAS" in "Blue UAS"), case aside.

    The plain substring test first: most pairs fail it, and a regular expression per pair (one compiled per pair,
    beyond the `re` module's cache) cost a first full rescore some three seconds."""
    if len(other) <= len(term) or term.casefold() not in other.casefold():
        return False
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", other, re.IGNORECASE) is not None


def distinct_terms(terms: Iterable[Any]) -> list[str]:
    """TERMS each once (the first spelling met, case aside), blanks dropped, and none that a longer one already
    holds: ["Blue UAS", "UAS", "drone"] -> ["Blue UAS", "drone"]. Reasons pick their terms with it, and rendering
    applies it again to rows stored before."""
    first: dict[str, str] = {}
    for term in terms:
        text = str(term).strip()
        if text:
            first.setdefault(text.casefold(), text)
    unique = list(first.values())
    return [t for t in unique if not any(_contained(t, other) for other in unique)]
