"""Retire every cached API answer: run it after restoring a backup or changing the database by hand."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.generations import FAMILIES, generations_bump


class Command(BaseCommand):
    help = (
        "Change the generation of every family of data, so that no cached API answer built before is served "
        "again. Writes made through the app do this themselves; a restored backup or a hand-made SQL change does not."
    )

    def handle(self, *args, **options):
        generations_bump(*FAMILIES)
        where = "the shared cache" if settings.REDIS_URL else "this process's cache (no REDIS_URL: nothing is shared)"
        self.stdout.write(f"generations changed in {where}: {', '.join(FAMILIES)}")
