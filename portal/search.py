"""How a free-text search word matches text: Latin words at the start of a word, Japanese anywhere.

Shared by the filters that search (their `q`) and the highlighting of what they found, so that the page marks what
the filter matched. A substring match made short acronyms useless: "AI" found air, railgun and training, "EW" found
new and uncrewed. So a word in Latin letters matches at the start of a word of the text ("drone" finds drones,
"autonom" autonomous), and a word of up to SHORT_WORD letters (an acronym) only as a whole word or its plural ("AI",
"UAVs"). Japanese is written without spaces, so a word with Japanese (or other non-Latin) letters in it still
matches anywhere ("量子" in 量子技術).

The pattern is written in the regular expressions that Python (SQLite's REGEXP, as Django defines it, and the
highlighting) and PostgreSQL (`~*`) read alike: groups, bracket expressions, `^`, `$` and backslash-escaped
punctuation, nothing else.
"""

import re
import unicodedata

from django.db.models import Q

MAX_TERMS = 10
SHORT_WORD = 3
# A letter or digit of a Latin word: what may not sit just before a match (nor just after a short word).
WORD_CHAR = "0-9A-Za-z"
# Below this code point, scripts that write words between spaces (Latin, Greek, Cyrillic...); from it, CJK
# punctuation, kana, kanji, hangul and the full-width forms.
SPACELESS_SCRIPTS_FROM = 0x2E80


def search_terms(value: str) -> list[str]:
    """The words of a search, full-width letters made plain (ＡＩ is AI), at most MAX_TERMS."""
    return unicodedata.normalize("NFKC", value or "").split()[:MAX_TERMS]


def matches_anywhere(term: str) -> bool:
    """Whether TERM is matched as a substring: it holds a letter of a script written without spaces."""
    return any(ord(char) >= SPACELESS_SCRIPTS_FROM for char in term)


def _escaped(term: str) -> str:
    # Backslash before ASCII punctuation only: both dialects read "\x" as x for such a character.
    return "".join(f"\\{char}" if ord(char) < 128 and not char.isalnum() else char for char in term)


def _ends_word(term: str) -> bool:
    letters = sum(char.isalnum() for char in term)
    return letters <= SHORT_WORD


def term_pattern(term: str) -> str:
    """A regular expression for the database (matched ignoring case) finding the Latin word TERM where a word starts,
    and a short one only as a whole word or its plural."""
    end = f"s?([^{WORD_CHAR}]|$)" if _ends_word(term) else ""
    return f"(^|[^{WORD_CHAR}])({_escaped(term)}{end})"


def term_q(fields: list[str] | tuple[str, ...], term: str) -> Q:
    """A Q finding TERM in any of FIELDS (lookups as the filter names them)."""
    anywhere = matches_anywhere(term)
    lookup, value = ("icontains", term) if anywhere else ("iregex", term_pattern(term))
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__{lookup}": value})
    return found


def highlight_pattern(query: str) -> re.Pattern[str] | None:
    """One case-insensitive pattern whose only group is each found word in a text, for marking it; None without
    words. Longer words first, so a word inside another found one is not marked on its own."""
    terms = sorted(set(search_terms(query)), key=len, reverse=True)
    if not terms:
        return None
    alternatives = []
    for term in terms:
        if matches_anywhere(term):
            alternatives.append(re.escape(term))
            continue
        end = f"(?:s?(?![{WORD_CHAR}]))" if _ends_word(term) else ""
        alternatives.append(f"(?<![{WORD_CHAR}]){re.escape(term)}{end}")
    return re.compile("(" + "|".join(f"(?:{alternative})" for alternative in alternatives) + ")", re.IGNORECASE)
