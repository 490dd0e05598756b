"""Every source the fixtures cite links to the page that backs the claim, not to a site's front page.

A reader follows a source to check a record. A link to a newspaper's front page cannot show the article (the page
changes every day), so the fixtures cite the article's own address. Where it could not be found, the source says so
in words the reader sees: its note (or, for a notice's source, which has no note, its title) says "front page
only", or, for an organisation cited for who it is, that the link is the organisation's "own home page".

Read from the YAML (not the database), so the check needs no load: the records' sources (inline or from the
`sources.yaml` catalogue, with the record's overrides), the catalogue itself, the notices' sources, the partners'
sources and foreign partnerships, and the organisations' `source_url`. The demo firms' and the reference firms'
`source_url` are their own web sites by design (docs/curation.md, "Known gaps") and are not citations of a claim.
"""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# A site's front page: nothing after the host but "/" or an index file (the same page under another name).
FRONT_PAGE_PATH = re.compile(r"/?((index|default|home|top)\.(html?|php|aspx?|jsp))?", re.IGNORECASE)
MARKED = re.compile(r"front page only|own home page", re.IGNORECASE)


def front_page(url: str) -> bool:
    """True if URL is a site's front page; a query (`?p=19012`, `?id=16047`) names an article, so it is not."""
    parts = urlsplit(url)
    return not parts.query and FRONT_PAGE_PATH.fullmatch(parts.path) is not None


def marked(source: dict[str, Any]) -> bool:
    """The source tells the reader its link is a front page (in its note, or its title where it has no note)."""
    return any(MARKED.search(str(source.get(name) or "")) for name in ("note", "title"))


def records(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        defaults = data.get("defaults") or {}
        return [{**defaults, **record} for record in data.get("records") or []]
    return data


def cited(directory: Path) -> list[tuple[str, dict[str, Any]]]:
    """(where, source) for every source the fixtures in DIRECTORY cite, a catalogue reference resolved as the
    loader resolves it (the catalogue entry with the record's own values over it)."""
    catalogue = {entry["key"]: entry for entry in records(directory / "sources.yaml")}
    found = [(f"sources.yaml {key}", entry) for key, entry in catalogue.items()]
    for path in sorted(directory.glob("opportunities*.yaml")):
        for record in records(path):
            for item in record.get("sources") or []:
                if isinstance(item, str):
                    item = {"ref": item}
                source = {**catalogue.get(item.get("ref"), {}), **item} if "ref" in item else item
                found.append((f"{path.name} {record['slug']}", source))
    for notice in records(directory / "notices.yaml"):
        found += [(f"notices.yaml {notice['slug']}", source) for source in notice.get("sources") or []]
    for partner in records(directory / "partners.yaml"):
        found += [(f"partners.yaml {partner['slug']}", source) for source in partner.get("sources") or []]
        found += [
            (f"partners.yaml {partner['slug']} foreign partnership", {"url": tie.get("source_url", "")})
            for tie in partner.get("foreign_partnerships") or []
        ]
    for organisation in records(directory / "organisations.yaml"):
        if organisation.get("source_url"):
            found.append((f"organisations.yaml {organisation['slug']}", {"url": organisation["source_url"]}))
    return found


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.japantimes.co.jp/", True),
        ("https://www.jiji.com", True),
        ("https://www.asagumo-news.com/index.html", True),
        ("https://www.japantimes.co.jp/news/2025/11/21/japan/politics/ldp-security-documents/", False),
        ("https://tradeworldnews.com/?p=19012", False),
        ("https://www.nippon.com/ja/news/yjj2025082900600/", False),
        ("https://indopacificexpo.com.au/visit/conditions-of-entry.asp", False),
    ],
)
def test_a_front_page_is_told_from_an_article(url, expected):
    assert front_page(url) is expected


def test_the_fixtures_cite_sources_the_check_can_read():
    found = cited(FIXTURES)
    assert len(found) > 250
    assert all(source.get("url", "").startswith(("http://", "https://")) for _, source in found)


def test_no_curated_source_links_to_a_bare_front_page_unless_it_says_so():
    unmarked = [
        f"{where}: {source['url']}"
        for where, source in cited(FIXTURES)
        if front_page(source["url"]) and not marked(source)
    ]
    assert unmarked == [], "cite the article's own address, or say in the note that the link is a front page only"


def test_a_kept_front_page_tells_the_reader_it_is_one():
    """SHIELD's Asagumo report has no known article address: the note the record page shows says so."""
    shield = {
        source["url"]: source
        for where, source in cited(FIXTURES)
        if where == "opportunities-programmes.yaml shield-coastal-unmanned-defence"
    }
    assert shield["https://www.asagumo-news.com/"]["note"].startswith("Front page only")
    assert not [url for url in shield if front_page(url) and url != "https://www.asagumo-news.com/"]
