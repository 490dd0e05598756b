"""How fresh a firm's stored scores are: when the last run that covered the firm ended, and whether one it asked for
has not ended yet (my matches says both, so a page showing the scores before an edit says so)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from companies.models import Company
from matching.models import MatchRun

# Runs that score every firm; a firm's own run and a batch naming it cover it too.
EVERY_FIRM = (MatchRun.Scope.ALL, MatchRun.Scope.OPPORTUNITY)
OPEN = (MatchRun.Status.PENDING, MatchRun.Status.RUNNING)


@dataclass(frozen=True)
class Freshness:
    scored_at: datetime.datetime | None  # when the last run covering the firm succeeded; None before any
    waiting_since: datetime.datetime | None  # when the oldest unfinished run covering the firm was asked for


def _covers(company: Company) -> Q:
    return Q(scope__in=EVERY_FIRM) | Q(scope=MatchRun.Scope.COMPANY, company=company) | Q(scope=MatchRun.Scope.BATCH)


def _covering(runs: list[MatchRun], company: Company) -> list[MatchRun]:
    """RUNS that score COMPANY (a batch names its firms in a JSON list, read here rather than by every database)."""
    return [run for run in runs if run.scope != MatchRun.Scope.BATCH or company.pk in (run.company_ids or [])]


def company_freshness(*, company: Company, lookback: int = 50) -> Freshness:
    """COMPANY's scoring state, from the newest LOOKBACK runs of each kind that could cover it (two queries)."""
    covering = MatchRun.objects.filter(_covers(company)).only("scope", "company_ids", "created_at", "finished_at")
    done = _covering(
        list(covering.filter(status=MatchRun.Status.SUCCEEDED).order_by("-finished_at")[:lookback]), company
    )
    waiting = _covering(list(covering.filter(status__in=OPEN).order_by("created_at")[:lookback]), company)
    return Freshness(
        scored_at=done[0].finished_at if done else None,
        waiting_since=waiting[0].created_at if waiting else None,
    )
