"""Background partner-fit rescoring, for the matching runs to call after a firm's matches change (docs/partners.md)."""

from celery import shared_task
from django.db import OperationalError

from partners.scoring import partner_fits_rescore


@shared_task(
    name="partners.rescore_fits",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=600,
    time_limit=660,
)
def rescore_fits_task(company_ids: list[int] | None = None) -> int:
    """Recompute and replace the partner fits of COMPANY_IDS (all firms when None); idempotent."""
    return partner_fits_rescore(company_ids=company_ids)


def partner_refit_enqueue() -> None:
    """Queue the refit of every firm's partner fits (matching.dispatch.partners_refit_later calls this on commit)."""
    rescore_fits_task.delay()
