"""Writes to the reference records (organisations, technology areas, certifications): validated, with who and why in
their history; a change to what the scorer reads of an area rescores every firm."""

from collections.abc import Iterable, Mapping
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, gettext_noop

from matching import dispatch  # the one upward hook: "this record changed, rescore it" (docs/architecture.md)
from portal.history import saving_changes_nothing
from programmes.models import (
    Certification,
    Opportunity,
    OpportunityArea,
    Organisation,
    ReferenceFirm,
    TechnologyArea,
)
from programmes.reference_firm_models import reference_grades_check
from programmes.rules import opportunity_areas_check
from programmes.services import AREAS_KEY, _save, _stamp, opportunity_update

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
        dispatch.all_rescore_later(by=by)
    return saved


def _area_scoring_changed(area: TechnologyArea) -> bool:
    """True for a new area or one whose scored fields differ from the stored row."""
    stored = TechnologyArea.objects.filter(pk=area.pk).values(*AREA_SCORING_FIELDS).first() if area.pk else None
    return stored is None or any(stored[name] != getattr(area, name) for name in AREA_SCORING_FIELDS)


def reference_firm_save(
    *, firm: ReferenceFirm, areas: Mapping[str, Iterable[TechnologyArea]], by: User | None, reason: str = ""
) -> bool:
    """Validate and save a reference firm with its graded AREAS ({"core_areas": [...], ...}) in one history row;
    True when something was written.

    Nothing is written when nothing changed. A new firm, a new description or a changed grade rescores every firm
    once the transaction commits: the areas' profiles are read from the reference firms (docs/matching.md).
    """
    wanted = {name: {area.pk: area for area in areas.get(name, ())} for name in ReferenceFirm.GRADES}
    reference_grades_check({name: set(chosen.values()) for name, chosen in wanted.items()})
    firm.full_clean()
    created = firm.pk is None
    stored = None if created else ReferenceFirm.objects.filter(pk=firm.pk).values("description").first()
    before = {} if created else {name: set(getattr(firm, name).values_list("pk", flat=True)) for name in wanted}
    after = {name: set(chosen) for name, chosen in wanted.items()}
    grades_changed = before != after
    if not created and not grades_changed and saving_changes_nothing(firm):
        return False
    with transaction.atomic():
        if created:
            _save(firm, by=by, reason=reason, history=False)  # the one history row below snapshots the areas too
        firm.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history reads it
        try:
            for name, chosen in wanted.items():
                getattr(firm, name).set(list(chosen.values()))
        finally:
            del firm.skip_history_when_saving  # type: ignore[attr-defined]
        default = gettext_noop("Created") if created else gettext_noop("Edited")
        _save(firm, by=by, reason=reason or default, always=True)
        if created:  # the one row is the firm's creation, though simple-history saw an update
            firm.history.filter(history_type="~").update(history_type="+")
        if created or grades_changed or stored is None or stored["description"] != firm.description:
            dispatch.all_rescore_later(by=by)
    return True


def reference_firm_delete(*, firm: ReferenceFirm, by: User | None, reason: str) -> None:
    """Delete a reference firm (its history keeps who and why) and rescore every firm once the transaction commits."""
    _stamp(firm, by=by, reason=reason)  # for the history's "-" row
    with transaction.atomic():
        firm.delete()
        dispatch.all_rescore_later(by=by)


def technology_areas_delete_refusals(*, areas: Iterable[TechnologyArea]) -> list[Opportunity]:
    """The records that deleting AREAS together would leave without an area they must keep (opportunity_areas_check:
    a published priority area names at least one), by title."""
    pks = [area.pk for area in areas]
    listing = OpportunityArea.objects.filter(technology_area__in=pks).values("opportunity")
    kept = Count("area_links", filter=~Q(area_links__technology_area__in=pks))
    refused = []
    for record in Opportunity.objects.filter(pk__in=listing).annotate(kept=kept).order_by("title", "pk"):
        try:
            opportunity_areas_check(kind=record.kind, status=record.status, area_count=record.kept)
        except ValidationError:
            refused.append(record)
    return refused


def technology_areas_delete_check(*, areas: Iterable[TechnologyArea]) -> None:
    """Refuse to delete AREAS while a record must keep one of them: a ValidationError naming those records."""
    refused = technology_areas_delete_refusals(areas=areas)
    if refused:
        why = gettext(
            "It is the only technology area of these published priority areas: %(records)s. "
            "Give each another technology area, or archive it, first."
        )
        raise ValidationError(why % {"records": ", ".join(str(record) for record in refused)})


def technology_area_delete(*, area: TechnologyArea, by: User | None, reason: str) -> None:
    """Delete a technology area (its history keeps who and why), then let everything that read it follow.

    Each record that listed it first drops it as a curator's edit would (opportunity_update): a history row, an
    `opportunity.changed` event for the feed and webhooks, and the recount of the feedback marks of firms that marked
    it, since its main areas may change. The delete then takes the rest with it: firms' ticks, reference firms'
    grades, partners' links and firms' marks on the area. Every firm is rescored once the transaction commits: the
    vocabulary, every firm's affinities and the reasons that named the area all change.
    """
    with transaction.atomic():
        technology_areas_delete_check(areas=[area])
        # Asked for first, so each record's own rescore below reuses this waiting full run instead of adding one.
        dispatch.all_rescore_later(by=by)
        links = OpportunityArea.objects.filter(technology_area=area).select_related("opportunity")
        for opportunity in sorted({link.opportunity for link in links}, key=lambda record: record.pk):
            weights = {
                link.technology_area: link.weight
                for link in opportunity.area_links.select_related("technology_area")
                if link.technology_area_id != area.pk
            }
            opportunity_update(opportunity=opportunity, data={AREAS_KEY: weights}, by=by, reason=reason)
        _stamp(area, by=by, reason=reason)  # for the area's own history's "-" row
        area.delete()
