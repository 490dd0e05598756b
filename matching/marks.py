"""Writes of the scorer's feedback marks (matching.models.FeedbackMark), called by the workspace app."""

from __future__ import annotations

from django.db import transaction

from matching.models import FeedbackMark


@transaction.atomic
def feedback_marks_replace(*, company_id: int, records: dict[int, tuple[int, int]]) -> bool:
    """Make the firm's marks equal RECORDS (area id -> (marked records, how many of them share their main area with
    other areas)); True when anything changed."""
    stored = {
        area: (n, shared)
        for area, n, shared in FeedbackMark.objects.filter(company_id=company_id).values_list(
            "technology_area_id", "records", "shared"
        )
    }
    wanted = {area: counts for area, counts in records.items() if counts[0] > 0}
    if stored == wanted:
        return False
    FeedbackMark.objects.filter(company_id=company_id).delete()
    FeedbackMark.objects.bulk_create(
        FeedbackMark(company_id=company_id, technology_area_id=area, records=n, shared=shared)
        for area, (n, shared) in sorted(wanted.items())
    )
    return True
