"""How a free-text search word matches text: Latin words at the start of a word, Japanese anywhere.

Shared by the filters that search (their `q`) and the highlighting of what they found, so that the page marks what
the filter matched. A substring match made short acronyms useless: "AI" found air, railgun and training, "EW" found
new and uncrewed. So a word in Latin letters matches at the start of a word of the text ("drone" finds drones,
"autonom" autonomous), and a word of up to SHORT_WORD letters (an acronym) only as a whole word or its plural ("AI",
"AIs"); an acronym written in the plural (capitals then "s": "UAVs") finds the acronym as well. Japanese is written
without spaces, so a word with Japanese (or other non-Latin) letters in it still matches anywhere ("量子" in 量子技術).

A search is read as words, not characters: the punctuation around a word is not part of it (`(AI)`, `AI.` and
`'AI'` search for AI), a search with no letter or digit has no words and finds nothing, and words in double quotes
are one phrase, found as those words in that order ("uncrewed surface"). This also keeps the keyword lists, which
the database searches as their JSON text (["USV", "uncrewed surface vessel"]), from answering to their brackets,
commas and quotes: no word holds one, and a phrase's words are joined by spaces or hyphens only, never across two
entries.

The pattern is written in the regular expressions that Python (SQLite's REGEXP, as Django defines it, and the
highlighting) and PostgreSQL (`~*`) read alike: groups, bracket expressions, `^`, `$` and backslash-escaped
punctuation, nothing else.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

MAX_TERMS = 10
SHORT_WORD = 3
# A letter or digit of a Latin word: what may not sit just before a match (nor just after a short word).
WORD_CHAR = "0-9A-Za-z"
# What may stand between the words of a quoted phrase in the text: spaces, line breaks and hyphens ("uncrewed
# surface" finds "uncrewed-surface"), never the `", "` between two entries of a keyword list.
PHRASE_GAP = "[ \t\r\n-]+"
# Below this code point, scripts that write words between spaces (Latin, Greek, Cyrillic...); from it, CJK
# punctuation, kana, kanji, hangul and the full-width forms.
SPACELESS_SCRIPTS_FROM = 0x2E80
# A phrase in double quotes (straight or curly), or a run of characters between spaces and quotes.
_TOKEN = re.compile(r'["“”]([^"“”]*)["“”]|([^\s"“”]+)')


def _trimmed(word: str) -> str:
    """WORD without the punctuation and symbols around it: "(AI)" is AI, "「量子」" 量子; "C4ISR" and "R&D" keep
    theirs inside."""
    start, end = 0, len(word)
    while start < end and not unicodedata.category(word[start]).startswith(("L", "N")):
        start += 1
    while end > start and not unicodedata.category(word[end - 1]).startswith(("L", "N")):
        end -= 1
    return word[start:end]


def search_terms(value: str) -> list[str]:
    """The words of a search, full-width letters made plain (ＡＩ is AI) and the punctuation around each taken off,
    at most MAX_TERMS; a quoted phrase of Latin words is one term, its words joined by single spaces. Empty when the
    search has no letter or digit."""
    terms: list[str] = []
    for phrase, word in _TOKEN.findall(unicodedata.normalize("NFKC", value or "")):
        words = [trimmed for trimmed in map(_trimmed, (phrase or word).split()) if trimmed]
        if len(words) > 1 and not any(matches_anywhere(each) for each in words):
            terms.append(" ".join(words))
        else:  # one word, or Japanese words, which have no gaps to find a phrase by: each is a term of its own
            terms.extend(words)
    return terms[:MAX_TERMS]


def wordless(value: str | None) -> str:
    """VALUE when it is a search with no word to find (only punctuation, "[" or ","), for a listing to say why it
    found nothing; "" for an empty search or one with words."""
    value = (value or "").strip()
    return value if value and not search_terms(value) else ""


def matches_anywhere(term: str) -> bool:
    """Whether TERM is matched as a substring: it holds a letter of a script written without spaces."""
    return any(ord(char) >= SPACELESS_SCRIPTS_FROM for char in term)


def _escaped(term: str) -> str:
    # Backslash before ASCII punctuation only: both dialects read "\x" as x for such a character.
    return "".join(f"\\{char}" if ord(char) < 128 and not char.isalnum() else char for char in term)


def _is_acronym_plural(word: str) -> bool:
    # "UAVs", "AIs": two capitals or more (digits allowed, C4ISRs) and a small s.
    stem = word[:-1]
    return word.endswith("s") and len(stem) >= 2 and stem.isupper() and stem.isalnum() and stem.isascii()


def _last_word(word: str) -> tuple[str, bool]:
    """(what to find of WORD, whether it must end a word there): an acronym's plural is found as the acronym, and a
    short word only as a whole word (or its plural)."""
    if _is_acronym_plural(word):
        return word[:-1], True
    return word, sum(char.isalnum() for char in word) <= SHORT_WORD


def _parts(term: str) -> tuple[list[str], bool]:
    """TERM's words as they are to be found in order (the last one as `_last_word` says), and whether the last must
    end a word."""
    words = term.split()
    last, ends_word = _last_word(words[-1])
    return [*words[:-1], last], ends_word


def term_pattern(term: str) -> str:
    """A regular expression for the database (matched ignoring case) finding the Latin word or phrase TERM where a
    word starts, and a short word only as a whole word or its plural."""
    words, ends_word = _parts(term)
    end = f"s?([^{WORD_CHAR}]|$)" if ends_word else ""
    return f"(^|[^{WORD_CHAR}])({PHRASE_GAP.join(_escaped(word) for word in words)}{end})"


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
        words, ends_word = _parts(term)
        end = f"(?:s?(?![{WORD_CHAR}]))" if ends_word else ""
        alternatives.append(f"(?<![{WORD_CHAR}]){PHRASE_GAP.join(re.escape(word) for word in words)}{end}")
    return re.compile("(" + "|".join(f"(?:{alternative})" for alternative in alternatives) + ")", re.IGNORECASE)


def entries_found(query: str, entries: Iterable[str]) -> list[str]:
    """The ENTRIES (a keyword list's or an area lexicon's) in which a word of QUERY is found, by the filter's rule:
    for saying why a record matched when the words are in no text the listing shows."""
    pattern = highlight_pattern(query)
    if pattern is None:
        return []
    return [entry for entry in entries if isinstance(entry, str) and pattern.search(entry)]
