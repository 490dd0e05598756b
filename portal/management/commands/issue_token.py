"""Mint an API token for a user and print it, alone, on the last line (for scripts: `| tail -n1`)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.tokens import MAX_EXPIRY, token_issue


class Command(BaseCommand):
    help = "Mint an API token for USERNAME; the token is printed once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for (shown in lists).")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Expire after N days, 1 to 3650 (default: 90)."
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY.days:
            raise CommandError(f"--expires-days must be from 1 to {MAX_EXPIRY.days}.")
        expires_at = timezone.now() + datetime.timedelta(days=expires_days) if expires_days else None
        try:
            token, raw = token_issue(user=user, name=name, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError("; ".join(_said(exc))) from exc
        expiry = f", expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else ""
        self.stderr.write(f"Token {token.name!r} for {user.username}{expiry}. It is shown only once:")
        self.stdout.write(raw)


# The token's fields as this command takes them, so a refusal names the option to change.
OPTIONS = {"name": "--name", "expires_at": "--expires-days", "user": "USERNAME"}


def _said(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{OPTIONS.get(field, field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]
