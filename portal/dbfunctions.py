"""Database functions the ground models need, each with a PostgreSQL form and a portable one."""

from django.db import connection, models
from django.db.models.functions import Collate


def code_point_order(expression: str | models.Expression) -> Collate:
    """EXPRESSION compared code point by code point, the same on PostgreSQL ("C") and SQLite (BINARY): Japanese
    text sorts one way whatever the server's locale."""
    return Collate(expression, "C" if connection.vendor == "postgresql" else "BINARY")


class TransactionId(models.Func):
    """The writing transaction's id on PostgreSQL (`pg_current_xact_id()` as a bigint); 0 elsewhere.

    SQLite runs one writer at a time, so id order is already commit order there and 0 keeps every row level.
    """

    template = "0"
    output_field = models.BigIntegerField()

    def __init__(self) -> None:
        super().__init__(output_field=models.BigIntegerField())

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []
