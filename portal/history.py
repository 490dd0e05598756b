"""Change history as pages show it: when and what changed to everyone, who and why to consultants only.

Reasons are free text written by consultants for consultants, and usernames name them; neither is for the public
or for firms' staff (issue 17, finding 6).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.text import capfirst


@dataclass(frozen=True)
class HistoryRow:
    """One change: when, what kind, which fields; WHO and WHY only when the viewer may see them."""

    when: datetime.datetime
    kind: str
    fields: list[str] = field(default_factory=list)
    who: str | None = None
    why: str | None = None


def history_rows(history: QuerySet, *, limit: int, disclose: bool) -> list[HistoryRow]:
    """The LIMIT latest rows of HISTORY (a simple-history manager or queryset), newest first.

    Each row names the fields that changed since the row before it. DISCLOSE adds who made the change and why.
    """
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        rows.append(
            HistoryRow(
                when=record.history_date,
                kind=record.get_history_type_display(),
                fields=_changed_fields(record, previous),
                who=_who(record) if disclose else None,
                why=(record.history_change_reason or "") if disclose else None,
            )
        )
    return rows


def _changed_fields(record, previous) -> list[str]:
    if previous is None or record.history_type != "~":
        return []
    model = record.instance_type
    names = [change.field for change in record.diff_against(previous).changes]
    return [str(capfirst(model._meta.get_field(name).verbose_name)) for name in names]


def _who(record) -> str:
    user = record.history_user
    return user.get_username() if user is not None else ""
