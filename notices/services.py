"""Writes of notices: the curated load (validated, all or nothing, idempotent), with `notice.published` events."""

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from notices.models import Notice, NoticeSource
from portal.changes import change_record
from portal.history import saving_changes_nothing
from programmes.models import Opportunity, TechnologyArea

PUBLISHED = "notice.published"
FIELDS = ("title", "title_ja", "summary", "summary_ja", "dated_on", "due_by", "confidence", "status", "countries")
SOURCE_FIELDS = ("url", "title", "publisher", "accessed_on", "confidence")


@transaction.atomic
def notices_load(*, path: Path) -> int:
    """Create or update every notice in PATH with its sources and links; any error writes nothing."""
    records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in records:
        _notice_load(entry)
    return len(records)


def _notice_load(entry: dict[str, Any]) -> Notice:
    slug = entry.get("slug") or ""
    notice: Notice = Notice.objects.filter(slug=slug).first() or Notice(slug=slug)
    was_published = notice.status == Notice.Status.PUBLISHED and notice.pk is not None
    for name in FIELDS:
        setattr(notice, name, entry.get(name, Notice._meta.get_field(name).get_default()))  # type: ignore[union-attr]  # FIELDS are columns
    try:
        notice.full_clean()
    except ValidationError as error:
        raise ValidationError(f"notice {slug}: {error.message_dict}") from error
    if not saving_changes_nothing(notice):  # a reload of the same file writes no history row
        notice._change_reason = gettext_noop("curated notices load")  # type: ignore[attr-defined]
        notice.save()
    notice.records.set(_by_slug(Opportunity, slug, entry.get("records") or []))
    notice.technology_areas.set(_by_slug(TechnologyArea, slug, entry.get("areas") or []))
    notice.sources.all().delete()
    for source in entry.get("sources") or []:
        row = NoticeSource(notice=notice, **{name: source.get(name) for name in SOURCE_FIELDS if name in source})
        try:
            row.full_clean()
        except ValidationError as error:
            raise ValidationError(f"notice {slug}, source {row.url}: {error.message_dict}") from error
        row.save()
    if notice.status == Notice.Status.PUBLISHED and not was_published:
        notice_published_record(notice=notice)
    return notice


def notice_published_record(*, notice: Notice) -> None:
    """Write `notice.published` for NOTICE with the countries, areas and records it affects (docs/alerts.md)."""
    data = {
        "slug": notice.slug,
        "title": notice.title,
        "title_ja": notice.title_ja,
        "url": notice.api_url(),  # API v1's address, as the change feed has always given
        "countries": sorted(str(country.code) for country in notice.countries),
        "areas": sorted(notice.technology_areas.values_list("slug", flat=True)),
        "opportunities": sorted(notice.records.values_list("slug", flat=True)),
    }
    change_record(kind=PUBLISHED, subject_type="notice", subject_id=notice.pk, data=data)


def _by_slug(model: type[Opportunity] | type[TechnologyArea], notice_slug: str, slugs: list[str]) -> list[Any]:
    found = list(model.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {item.slug for item in found})
    if missing:
        raise ValidationError(f"notice {notice_slug}: unknown {model._meta.verbose_name} {', '.join(missing)}")
    return found
