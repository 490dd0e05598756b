"""Every write of the matching app: starting, claiming, scoring and closing runs, and enqueueing rescores.

Companies and programmes call the `*_rescore_later` functions (imported inside their functions, so the app arrow stays
matching -> companies -> programmes); views, admin, API, tasks and the `rescore` command call `match_run_start`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from matching.models import MatchRun

logger = logging.getLogger(__name__)


def match_run_start(*, scope: str, company=None, opportunity=None, by=None) -> MatchRun:
    """Record a pending run for all firms, one firm or one opportunity, and enqueue it once the caller commits."""
    from matching.tasks import rescore_all_task, rescore_company_task, rescore_opportunity_task

    scope = MatchRun.Scope(scope)
    if scope == MatchRun.Scope.COMPANY and company is None:
        raise ValueError("a company run needs company=")
    if scope == MatchRun.Scope.OPPORTUNITY and opportunity is None:
        raise ValueError("an opportunity run needs opportunity=")
    run = MatchRun.objects.create(
        scope=scope,
        company=company if scope == MatchRun.Scope.COMPANY else None,
        opportunity=opportunity if scope == MatchRun.Scope.OPPORTUNITY else None,
        requested_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if scope == MatchRun.Scope.ALL:
        transaction.on_commit(lambda: rescore_all_task.delay(run_id=run.pk))
    elif scope == MatchRun.Scope.COMPANY:
        transaction.on_commit(lambda: rescore_company_task.delay(company.pk, run_id=run.pk))
    else:
        transaction.on_commit(lambda: rescore_opportunity_task.delay(opportunity.pk, run_id=run.pk))
    return run


def company_rescore_later(company_id: int) -> None:
    """Rescore one firm against every opportunity after the current transaction commits."""
    from matching.tasks import rescore_company_task

    transaction.on_commit(lambda: rescore_company_task.delay(company_id))


def companies_rescore_later(company_ids: list[int]) -> None:
    """Rescore many firms (a bulk import) with ONE task enqueued after the current transaction commits."""
    from matching.tasks import rescore_companies_task

    ids = sorted({int(pk) for pk in company_ids})
    if ids:
        transaction.on_commit(lambda: rescore_companies_task.delay(ids))


def opportunity_rescore_later(opportunity_id: int) -> None:
    """Rescore one opportunity against every firm after the current transaction commits."""
    from matching.tasks import rescore_opportunity_task

    transaction.on_commit(lambda: rescore_opportunity_task.delay(opportunity_id))


def match_run_claim(*, run_id: int) -> bool:
    """Compare-and-set a pending run to running; False means another worker has it (or it is gone)."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.PENDING).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


def match_run_progress(*, run_id: int, pairs: int, stored: int) -> None:
    """Add one finished chunk's counts to its run, atomically (chunks finish in any order, on any worker)."""
    MatchRun.objects.filter(pk=run_id).update(
        chunks_done=F("chunks_done") + 1,
        pairs_scored=F("pairs_scored") + pairs,
        matches_stored=F("matches_stored") + stored,
    )


def match_run_finish(*, run_id: int) -> None:
    """Close a running run as succeeded."""
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.SUCCEEDED, finished_at=timezone.now()
    )


def match_run_fail(*, run_id: int, error: str) -> None:
    """Close a pending or running run as failed, keeping the reason; the previous matches are untouched."""
    MatchRun.objects.filter(
        pk=run_id, status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING]
    ).update(status=MatchRun.Status.FAILED, finished_at=timezone.now(), error=error[:4000])
