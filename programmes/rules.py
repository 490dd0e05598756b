"""The rules a curated record must keep to be published, asked by the services below and by the admin's forms
before they save anything (one rule, one place)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from programmes.models import Confidence, Opportunity


def opportunity_publishable_check(*, source_count: int) -> None:
    """Refuse to publish a record that cites no source: the admin, the API and the curated load all ask here."""
    # Every published record cites at least one public source (issue 2: "nothing is invented").
    if source_count < 1:
        raise ValidationError({"sources": gettext("Cannot publish without a source; add at least one first.")})


def opportunity_areas_check(*, kind: str, status: str, area_count: int) -> None:
    """Refuse a published priority area with no technology area: the admin's area rows and the services ask here."""
    # A record with no area reads as "any technology" to the scorer, which would drop the firms it was meant for.
    # Hubs and programmes may take any technology; a priority area names what it asks for.
    if kind == Opportunity.Kind.PRIORITY_AREA and status == Opportunity.Status.PUBLISHED and area_count < 1:
        why = gettext("A priority area names at least one technology area: keep one, or archive the record.")
        raise ValidationError({"technology_areas": why})


def sources_confidence_check(*, confidence: str, source_confidences: Iterable[str]) -> None:
    """A record whose sources are all low-confidence is itself low (unverified); ValidationError naming `confidence`
    otherwise. The loaders, the admin's source forms and the services below all ask here."""
    kept = list(source_confidences)
    if kept and all(value == Confidence.LOW for value in kept) and confidence != Confidence.LOW:
        why = gettext("Every source is low-confidence, so the record's confidence must be low (unverified) too.")
        raise ValidationError({"confidence": why})
