"""Kakehashi project package: settings, URLs, the Celery app and the site-wide pages."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
