"""Writes of notices (the admin and the curated load): validated, with history and `notice.published` events."""

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from notices.models import Notice, NoticeSource
from portal.changes import change_record
from portal.history import saving_changes_nothing
from portal.reasons import reason_stored
from programmes.models import Opportunity, TechnologyArea

PUBLISHED = "notice.published"
PUBLISHED_STATUS = Notice.Status.PUBLISHED
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
    for name in FIELDS:
        setattr(notice, name, entry.get(name, Notice._meta.get_field(name).get_default()))  # type: ignore[union-attr]  # FIELDS are columns
    try:
        notice.full_clean()
    except ValidationError as error:
        raise ValidationError(f"notice {slug}: {error.message_dict}") from error
    links = {
        "records": _by_slug(Opportunity, slug, entry.get("records") or []),
        "technology_areas": _by_slug(TechnologyArea, slug, entry.get("areas") or []),
    }

    def sources_replace(saved: Notice) -> None:
        saved.sources.all().delete()
        for source in entry.get("sources") or []:
            row = NoticeSource(notice=saved, **{name: source.get(name) for name in SOURCE_FIELDS if name in source})
            try:
                row.full_clean()
            except ValidationError as error:
                raise ValidationError(f"notice {slug}, source {row.url}: {error.message_dict}") from error
            row.save()

    try:
        # A reload of the same file writes no history row.
        return notice_save(
            notice=notice, by=None, reason=gettext_noop("curated notices load"), links=links, inlines=sources_replace
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(f"notice {slug}: {error.message_dict}") from error


@transaction.atomic
def notice_save(
    *,
    notice: Notice,
    by: User | None,
    reason: str = "",
    links: Mapping[str, Iterable[Any]] | None = None,
    inlines: Callable[[Notice], None] | None = None,
    inlines_changed: bool = False,
) -> Notice:
    """Validate and save NOTICE with who and why in its history, then its LINKS (records, technology_areas) and
    whatever INLINES saves (its sources; the admin's formsets, the load's list). A published notice cites at least
    one source, as a published opportunity does. A notice created published or moved from draft to published
    writes one `notice.published` event, with the countries, areas and records it ends up with (docs/alerts.md).

    The admin, the curated load and any other writer call this, so the rule and the event are in one place. An
    edit that changes no column writes no history row, unless INLINES_CHANGED (its sources or links did)."""
    # Read under a lock on the stored row: of two saves publishing the same draft at once, one writes the event.
    stored = Notice.objects.select_for_update().filter(pk=notice.pk).values_list("status", flat=True)
    was_published = notice.pk is not None and stored.first() == PUBLISHED_STATUS
    notice.full_clean()
    if notice.pk is None or inlines_changed or not saving_changes_nothing(notice):
        why = reason or (gettext_noop("Edited") if notice.pk else gettext_noop("Created"))
        notice._change_reason = reason_stored(why)  # type: ignore[attr-defined]  # simple-history reads it
        notice._history_user = by  # type: ignore[attr-defined]  # simple-history reads it
        notice.save()
    for name, values in (links or {}).items():
        getattr(notice, name).set(list(values))
    if inlines is not None:
        inlines(notice)
    if notice.status == PUBLISHED_STATUS:
        notice_publishable_check(source_count=notice.sources.count())
        if not was_published:
            notice_published_record(notice=notice, by=by)
    return notice


def notice_publishable_check(*, source_count: int) -> None:
    """Refuse a published notice that cites no source: the service and the admin's source rows both ask here."""
    # As a published record does (issue 2: "nothing is invented").
    if source_count < 1:
        raise ValidationError({"sources": gettext("A published notice keeps at least one source.")})


def notice_published_record(*, notice: Notice, by: User | None = None) -> None:
    """Write `notice.published` for NOTICE with the countries, areas and records it affects (docs/alerts.md)."""
    data = {
        "slug": notice.slug,
        "title": notice.title,
        "title_ja": notice.title_ja,
        "url": notice.api_url(),  # API v1's address, as the change feed has always given
        "countries": sorted(str(country.code) for country in notice.countries),
        "areas": sorted(notice.technology_areas.values_list("slug", flat=True)),
        # Every signed-in reader gets the event (feed, webhooks, digests): only the records anyone may open, as the
        # notice's own page lists them; a draft it concerns stays the consultants' until it is published.
        "opportunities": sorted(notice.records.visible_to(None).values_list("slug", flat=True)),
    }
    change_record(kind=PUBLISHED, subject_type="notice", subject_id=notice.pk, data=data, actor=by)


def _by_slug(model: type[Opportunity] | type[TechnologyArea], notice_slug: str, slugs: list[str]) -> list[Any]:
    found = list(model.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {item.slug for item in found})
    if missing:
        raise ValidationError(f"notice {notice_slug}: unknown {model._meta.verbose_name} {', '.join(missing)}")
    return found
