"""Writes of the scorer's feedback marks (matching.models.FeedbackMark), called by the workspace app."""

from __future__ import annotations

from django.db import transaction

from matching.models import FeedbackMark


@transaction.atomic
def feedback_marks_replace(*, company_id: int, records: dict[int, tuple[int, list[list[str]]]]) -> bool:
    """Make the firm's marks equal RECORDS (area id -> (marked records whose main area it is, the other main areas of
    each of those records that had any)); True when anything changed."""
    stored = {
        area: (n, shared_with)
        for area, n, shared_with in FeedbackMark.objects.filter(company_id=company_id).values_list(
            "technology_area_id", "records", "shared_with"
        )
    }
    wanted = {area: (n, sorted(sorted(o) for o in others)) for area, (n, others) in records.items() if n > 0}
    if stored == wanted:
        return False
    FeedbackMark.objects.filter(company_id=company_id).delete()
    FeedbackMark.objects.bulk_create(
        FeedbackMark(company_id=company_id, technology_area_id=area, records=n, shared_with=others)
        for area, (n, others) in sorted(wanted.items())
    )
    return True
