"""Writes to the reference records (organisations, technology areas, certifications): validated, with who and why in
their history; a change to what the scorer reads of an area rescores every firm."""

from typing import TypeVar

from django.contrib.auth.models import User
from django.utils.translation import gettext_noop

from matching import dispatch  # the one upward hook: "this record changed, rescore it" (docs/architecture.md)
from programmes.models import Certification, Organisation, TechnologyArea
from programmes.services import _save

ReferenceRecord = TypeVar("ReferenceRecord", Organisation, TechnologyArea, Certification)

# What the scorer reads of a technology area: a change to any of these rescores every firm (issue 12).
AREA_SCORING_FIELDS = ("name", "description", "keywords", "related_terms")


def reference_record_save(
    *, record: ReferenceRecord, by: User | None, reason: str = "", links_changed: bool = False
) -> ReferenceRecord:
    """Validate and save an organisation, technology area or certification with who and why in its history.

    An edit that changes no column writes nothing, unless LINKS_CHANGED (a certification's equivalents).

    A technology area whose name, description, lexicon or related terms changed is rescored for every firm once
    the transaction commits: the vocabulary and every firm's affinities depend on it.
    """
    rescore = isinstance(record, TechnologyArea) and _area_scoring_changed(record)
    saved = _save(
        record,
        by=by,
        reason=reason or (gettext_noop("Edited") if record.pk else gettext_noop("Created")),
        always=links_changed,
    )
    if rescore:
        dispatch.all_rescore_later()
    return saved


def _area_scoring_changed(area: TechnologyArea) -> bool:
    """True for a new area or one whose scored fields differ from the stored row."""
    stored = TechnologyArea.objects.filter(pk=area.pk).values(*AREA_SCORING_FIELDS).first() if area.pk else None
    return stored is None or any(stored[name] != getattr(area, name) for name in AREA_SCORING_FIELDS)
