"""The API's reading language: ?lang=en|ja (in any case), else the Accept-Language header (issue #13).

Shared by every route whose answer has words in it: the matches' reasons and gaps, the records' and notices'
titles and summaries.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from portal.filters import ONE_VALUE_MESSAGE
from portal.text import localised_text, punct

LANG = OpenApiParameter(
    "lang",
    str,
    OpenApiParameter.QUERY,
    enum=[code for code, _name in settings.LANGUAGES],
    description="Language of the words in the answer (en or ja); without it, the Accept-Language header decides.",
)


def _codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def asked_languages(request: HttpRequest) -> list[str]:
    """The ?lang= codes given, each once, in lower case: language codes are case-insensitive (RFC 5646), so JA is ja.
    An empty one is not given, as an empty filter or page is (a client filling `?lang={code}` with no code set)."""
    return list(dict.fromkeys(lang.strip().lower() for lang in request.GET.getlist("lang") if lang.strip()))


def asked_language(request: HttpRequest) -> str | None:
    """The one ?lang= code asked for; None when there is none, or several different ones (a 400 in the API)."""
    langs = asked_languages(request)
    return langs[0] if len(langs) == 1 else None


def reader_language(request: HttpRequest) -> str:
    """?lang= when it names a language of the site, else the Accept-Language header (English by default)."""
    lang = asked_language(request)
    return lang if lang in _codes() else translation.get_language_from_request(request)


def api_language_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Every answer under /api/ speaks the reader's language, its refusals (401, 403, 404) included.

    After LocaleMiddleware, which answers unprefixed paths in English: the messages of an error are written when
    it is raised (by a permission check, a lookup), before any view could choose the language.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            request.LANGUAGE_CODE = reader_language(request)
            translation.activate(request.LANGUAGE_CODE)
        return get_response(request)

    return middleware


class ReaderLanguageMixin:
    """The caller's language: ?lang=en|ja, else Accept-Language; chosen before any cached answer.

    LocaleMiddleware answers unprefixed paths such as /api/ in English whatever the header says (the site's
    English pages have no prefix), so the API reads the header itself. The answer says which language it is in
    (Content-Language) and that it varies with the header.
    """

    def initial(self, request, *args, **kwargs):
        codes = _codes()
        langs = asked_languages(request._request)
        if len(langs) > 1:  # as every parameter that takes one value (portal.filters.OneValueEachForm)
            raise serializers.ValidationError({"lang": [ONE_VALUE_MESSAGE % {"values": punct(",").join(langs)}]})
        lang = asked_language(request._request)
        if lang is not None and lang not in codes:
            message = _("Choose one of: %(codes)s.") % {"codes": ", ".join(codes)}
            raise serializers.ValidationError({"lang": [message]})
        lang = reader_language(request._request)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        lang = getattr(request, "LANGUAGE_CODE", None)
        if lang and response.status_code < 400:
            response["Content-Language"] = lang
        patch_vary_headers(response, ["Accept-Language"])
        return response


class LocalisedTextSerializer(serializers.Serializer):
    """A record's title and summary in the language asked for; `*_lang` says which, so a fallback is marked."""

    lang = serializers.CharField(help_text="The language asked for (?lang= or Accept-Language): en or ja.")
    title = serializers.CharField()
    title_lang = serializers.CharField(
        help_text="The title's language: the one asked for, or en where the record has no Japanese title yet."
    )
    summary = serializers.CharField()
    summary_lang = serializers.CharField(
        help_text="The summary's language: the one asked for, or en where the record has no Japanese summary yet."
    )

    def to_representation(self, instance):
        return localised_text(instance)
