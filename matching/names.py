"""The names explanations show (areas, certifications, records, notices), looked up by slug when rendering, in the
reader's language; split from `matching.messages`, which renders the items."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language


class Names:
    """Area, certification and record names by slug and code, read on first need (one query each), in both
    languages."""

    def __init__(
        self,
        areas: Mapping[str, tuple[str, str]] | None = None,
        certs: Mapping[str, tuple[str, str]] | None = None,
        titles: Mapping[str, tuple[str, str]] | None = None,
        notices: Mapping[str, tuple[str, str]] | None = None,
    ):
        self._areas = dict(areas) if areas is not None else None
        self._certs = dict(certs) if certs is not None else None
        self._titles = dict(titles) if titles is not None else None
        self._notices = dict(notices) if notices is not None else None

    def notice(self, slug: str) -> str:
        """A notice's title in the reader's language (the notices app provides them through matching.hooks)."""
        if self._notices is None:
            from matching import hooks

            self._notices = hooks.notice_titles()
        return _in_reader_language(self._notices.get(slug, ("", ""))) or slug

    def area(self, slug: str) -> str:
        if self._areas is None:
            from programmes.models import TechnologyArea

            rows = TechnologyArea.objects.values_list("slug", "name", "name_ja")
            self._areas = {s: (name, name_ja) for s, name, name_ja in rows}
        return _in_reader_language(self._areas.get(slug, ("", ""))) or slug.replace("-", " ")

    def certification(self, code: str) -> str:
        if self._certs is None:
            from programmes.models import Certification

            rows = Certification.objects.values_list("code", "name", "name_ja")
            self._certs = {c: (name, name_ja) for c, name, name_ja in rows}
        name = _in_reader_language(self._certs.get(code, ("", ""))) or code
        # The name before its explanation: 'AS9100D (aviation, space and defence quality management)' -> 'AS9100D',
        # 'CMMC レベル2（高度）' -> 'CMMC レベル2'
        return re.split(r" \(|（", name, maxsplit=1)[0]

    def opportunity(self, slug: str) -> str:
        if self._titles is None:
            from programmes.models import Opportunity

            rows = Opportunity.objects.values_list("slug", "title", "title_ja")
            self._titles = {s: (title, title_ja) for s, title, title_ja in rows}
        return _in_reader_language(self._titles.get(slug, ("", ""))) or slug


def names_for(request: Any) -> Names:
    """The Names of one request, shared by everything rendered in it (so a page reads each table once)."""
    names = getattr(request, "_kakehashi_names", None)
    if names is None:
        names = Names()
        if request is not None:
            request._kakehashi_names = names
    return names


def _in_reader_language(names: tuple[str, str]) -> str:
    """The Japanese of an (English, Japanese) pair for a Japanese reader when there is one, else the English."""
    english, japanese = names
    return japanese if japanese_reader() and japanese else english


def japanese_reader() -> bool:
    return (get_language() or "").startswith("ja")
