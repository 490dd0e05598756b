"""`manage.py add_user USERNAME --email E [--firm SLUG --role editor] [--consultant]`: a sign-in for a person.

Consultants curate records but never create users (docs/security.md), so accounts are made by whoever runs the
deployment. The password is random and printed once, alone on the last line; the person changes it after signing in
(/accounts/password_change/).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from companies.models import Company, Membership
from companies.services import membership_set
from portal.services import user_create


class Command(BaseCommand):
    help = "Create a user with a random password (printed once), a member of firms or a consultant."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="Where digests and reminders go.")
        parser.add_argument(
            "--firm", action="append", default=[], metavar="SLUG", help="A firm the user works for (repeatable)."
        )
        parser.add_argument(
            "--role",
            choices=Membership.Role.values,
            default=Membership.Role.VIEWER,
            help="Their role in each --firm: viewer reads, editor also changes (default: viewer).",
        )
        parser.add_argument("--consultant", action="store_true", help="A consultant: curates every record.")

    def handle(self, *args, username: str, email: str, firm: list[str], role: str, consultant: bool, **options):
        firms = list(Company.objects.filter(slug__in=firm))
        unknown = sorted(set(firm) - {f.slug for f in firms})
        if unknown:
            raise CommandError(f"No firm with the slug {', '.join(repr(slug) for slug in unknown)}.")
        if not firms and not consultant:
            raise CommandError("Give at least one --firm, or --consultant: a user with neither sees only listings.")
        try:
            with transaction.atomic():
                user, password = user_create(username=username, email=email, consultant=consultant)
                for company in firms:
                    membership_set(company=company, user=user, role=role)
        except ValidationError as exc:
            # One line a field, each named: "field: why." (two refusals joined by "; " read as "exists.; email").
            shown = "\n".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(shown) from exc
        what = ["consultant"] if consultant else []
        what += [f"{role} of {company.name}" for company in firms]
        self.stderr.write(f"User {user.username} <{user.email}>: {', '.join(what)}. Password, shown only once:")
        self.stdout.write(password)
