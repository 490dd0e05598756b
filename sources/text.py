"""Page text for comparing one fetch with the next: HTML (Beautiful Soup) and PDF (pypdf) to normalised lines.

Only changes a reader would care about should look like a change. So the text drops scripts, styles, navigation
and footers; collapses whitespace; drops lines that are only a "last updated" stamp or a copyright line; and masks
session tokens (`jsessionid=...`, long random strings). Dates in the body are kept: a moved deadline is a change.
"""

import hashlib
import io
import re

from bs4 import BeautifulSoup
from pypdf import PdfReader
from pypdf.errors import PdfReadError

DROPPED_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "header", "form", "iframe", "svg")
STAMP_LINE = re.compile(
    r"^(last\s+(updated|modified|reviewed)|updated\s+on|page\s+(updated|generated)|generated\s+(on|at)|"
    r"最終更新|更新日|copyright|©|\(c\)\s*\d{4})",
    re.IGNORECASE,
)
SESSION_TOKEN = re.compile(r"\b(jsessionid|phpsessid|sessionid|sid|session|token|csrf[a-z_]*)=[^\s&;\"'<>]+", re.I)
RANDOM_TOKEN = re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b")


def html_text(body: bytes) -> str:
    """The visible text of an HTML page, one block per line."""
    soup = BeautifulSoup(body, "html.parser")
    for tag in soup(DROPPED_TAGS):
        tag.decompose()
    root = soup.find("main") or soup.body or soup
    # One line per text node, its own whitespace collapsed: reflowed HTML is not a change.
    return "\n".join(" ".join(text.split()) for text in root.stripped_strings)


def pdf_text(body: bytes) -> str:
    """The text of every page of a PDF; an unreadable PDF gives an empty text (and so a change, once)."""
    try:
        reader = PdfReader(io.BytesIO(body))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError):
        return ""


def normalise(text: str, *, ignored: frozenset[str] = frozenset()) -> str:
    """Collapsed, stamp-free, token-masked lines, without the lines a consultant chose to ignore."""
    lines = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line or STAMP_LINE.match(line):
            continue
        line = RANDOM_TOKEN.sub("<token>", SESSION_TOKEN.sub(r"\1=<token>", line))
        if line not in ignored:
            lines.append(line)
    return "\n".join(lines)


def page_text(body: bytes, content_type: str, *, ignored: frozenset[str] = frozenset()) -> str:
    """Normalised text of a fetched body, by its content type (PDF by type or by its magic bytes)."""
    if "pdf" in content_type.lower() or body[:5] == b"%PDF-":
        return normalise(pdf_text(body), ignored=ignored)
    if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
        return normalise(html_text(body), ignored=ignored)
    return normalise(body.decode("utf-8", "replace"), ignored=ignored)


def text_hash(text: str) -> str:
    """SHA-256 of normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
