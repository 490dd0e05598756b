"""Celery tasks of the companies app. Names are a contract; each task sits beside the service it calls."""

from companies.import_jobs import company_import_run_task

__all__ = ["company_import_run_task"]
