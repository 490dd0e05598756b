"""Celery tasks of the matching app: thin wrappers that take pks and call services (names are a contract)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from matching import services

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="matching.rescore_all", **RETRY)
def rescore_all_task(run_id: int | None = None) -> None:
    """Score every firm against every published opportunity (placeholder until the engine lands)."""
    from matching.models import MatchRun

    if run_id is None:
        run_id = MatchRun.objects.create(scope=MatchRun.Scope.ALL).pk
    if services.match_run_claim(run_id=run_id):
        services.match_run_finish(run_id=run_id)


@shared_task(name="matching.rescore_company", **RETRY)
def rescore_company_task(company_id: int, run_id: int | None = None) -> None:
    """Rescore one firm (placeholder until the engine lands)."""


@shared_task(name="matching.rescore_companies", **RETRY)
def rescore_companies_task(company_ids: list[int]) -> None:
    """Rescore a batch of firms (placeholder until the engine lands)."""


@shared_task(name="matching.rescore_opportunity", **RETRY)
def rescore_opportunity_task(opportunity_id: int, run_id: int | None = None) -> None:
    """Rescore one opportunity (placeholder until the engine lands)."""
