"""Celery tasks of the companies app: thin wrappers that take pks and call services. Names are a contract."""

from celery import shared_task

from companies.import_jobs import company_import_run


# No late acks: a redelivered import would find its job claimed already, and the import is all or nothing anyway.
@shared_task(name="companies.import_run", ignore_result=True, soft_time_limit=3000, time_limit=3060)
def company_import_run_task(import_id: int) -> None:
    """Import an uploaded CSV file of firms in the background."""
    company_import_run(import_id=import_id)
