"""History of the certifications a firm holds: each history row snapshots them (and their expiry dates).

Rows written before this migration get a snapshot of what the firm holds on the day of the migration, so no old row
shows a change it never recorded, and the first change after it is compared with that.
"""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def snapshot_current_certifications(apps, schema_editor):
    """Give every history row written before this migration a snapshot of today's links: the history never showed
    them, so each row's diff stays what it was (no made-up change), and the next change is compared with today's.

    One INSERT ... SELECT, however many rows: it runs in the database, not in Python."""
    history = apps.get_model("companies", "HistoricalCompany")._meta
    snapshot = apps.get_model("companies", "HistoricalCompanyCertification")._meta
    link = apps.get_model("companies", "CompanyCertification")._meta
    quote = schema_editor.quote_name
    columns = ["id", "company_id", "certification_id", "expires_on"]
    schema_editor.execute(
        f"INSERT INTO {quote(snapshot.db_table)} ({', '.join(quote(c) for c in [*columns, 'history_id'])}) "
        f"SELECT {', '.join('l.' + quote(c) for c in columns)}, h.{quote('history_id')} "
        f"FROM {quote(link.db_table)} l JOIN {quote(history.db_table)} h ON h.{quote('id')} = l.{quote('company_id')}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0004_company_founded_not_after_this_year"),
        ("programmes", "0005_history_area_weights"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalCompanyCertification",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("expires_on", models.DateField(blank=True, null=True)),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "certification",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programmes.certification",
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="companies.company",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="companies.historicalcompany",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalCompanyCertification",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(snapshot_current_certifications, migrations.RunPython.noop),
    ]
