"""`manage.py rescore_partners [--company SLUG]`: recompute the partner fits of every firm (or one)."""

from django.core.management.base import BaseCommand, CommandError

from companies.models import Company
from partners.scoring import partner_fits_rescore


class Command(BaseCommand):
    help = "Recompute and replace partner fits (every firm, or one with --company)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--company", help="the firm's slug")

    def handle(self, *args, **options) -> None:
        ids = None
        if options["company"]:
            ids = list(Company.objects.filter(slug=options["company"]).values_list("pk", flat=True))
            if not ids:
                raise CommandError(f"no firm with slug {options['company']!r}")
        stored = partner_fits_rescore(company_ids=ids)
        self.stdout.write(self.style.SUCCESS(f"{stored} partner fits stored."))
