"""Curation services for an opportunity's sources: cite, correct and remove the public pages a record rests on.

The admin's sources inline and the curated load call these; the rules they share with the record itself (a
published record keeps a source, and its confidence agrees with its sources') are programmes.services'.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from programmes.models import Opportunity, Source
from programmes.services import _published_sources_check, _save, _stamp

SOURCE_FIELDS = frozenset({"url", "title", "publisher", "accessed_on", "confidence", "note"})


def _source_apply(source: Source, data: Mapping[str, Any]) -> None:
    """Copy DATA onto SOURCE, refusing unknown fields and a URL the opportunity already cites."""
    unknown = set(data) - SOURCE_FIELDS
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    for name, value in data.items():
        setattr(source, name, value)
    duplicate = Source.objects.filter(opportunity_id=source.opportunity_id, url=source.url).exclude(pk=source.pk)
    if source.url and duplicate.exists():
        raise ValidationError({"url": gettext("This opportunity already cites this URL.")})


def source_add(*, opportunity: Opportunity, data: Mapping[str, Any], by: User | None, reason: str = "") -> Source:
    """Cite a public page (url, title, publisher, accessed_on, confidence, note) for OPPORTUNITY."""
    source = Source(opportunity=opportunity)
    _source_apply(source, data)
    others = Source.objects.filter(opportunity=opportunity).values_list("confidence", flat=True)
    _published_sources_check(opportunity, [*others, source.confidence])
    return _save(source, by=by, reason=reason or gettext_noop("Source added"))


def source_update(*, source: Source, data: Mapping[str, Any], by: User | None, reason: str = "") -> Source:
    """Correct a source's details."""
    _source_apply(source, data)
    others = Source.objects.filter(opportunity_id=source.opportunity_id).exclude(pk=source.pk)
    _published_sources_check(source.opportunity, [*others.values_list("confidence", flat=True), source.confidence])
    return _save(source, by=by, reason=reason or gettext_noop("Source edited"))


@transaction.atomic
def source_remove(*, source: Source, by: User | None, reason: str = "") -> None:
    """Delete SOURCE; refused if it is the last source of a published opportunity."""
    opportunity = Opportunity.objects.select_for_update().get(pk=source.opportunity_id)
    others = Source.objects.filter(opportunity=opportunity).exclude(pk=source.pk)
    if opportunity.status == Opportunity.Status.PUBLISHED and not others.exists():
        said = gettext("A published opportunity keeps at least one source; add another or archive it first.")
        raise ValidationError({"sources": said})
    _published_sources_check(opportunity, others.values_list("confidence", flat=True))
    _stamp(source, by=by, reason=reason or gettext_noop("Source removed"))
    source.delete()
