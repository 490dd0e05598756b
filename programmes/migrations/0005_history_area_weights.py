"""History of an opportunity's area weights: each history row snapshots them, so a change of weights is listed.

Rows written before this migration get a snapshot of the weights of the day of the migration, so no old row shows
a change of weights it never recorded, and the first change after it is compared with the weights as they were.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def snapshot_current_weights(apps, schema_editor):
    """Give every history row written before this migration a snapshot of today's links: the history never showed
    them, so each row's diff stays what it was (no made-up change), and the next change is compared with today's.

    One INSERT ... SELECT, however many rows: it runs in the database, not in Python."""
    history = apps.get_model("programmes", "HistoricalOpportunity")._meta
    snapshot = apps.get_model("programmes", "HistoricalOpportunityArea")._meta
    link = apps.get_model("programmes", "OpportunityArea")._meta
    quote = schema_editor.quote_name
    columns = ["id", "opportunity_id", "technology_area_id", "weight"]
    schema_editor.execute(
        f"INSERT INTO {quote(snapshot.db_table)} ({', '.join(quote(c) for c in [*columns, 'history_id'])}) "
        f"SELECT {', '.join('l.' + quote(c) for c in columns)}, h.{quote('history_id')} "
        f"FROM {quote(link.db_table)} l JOIN {quote(history.db_table)} h ON h.{quote('id')} = l.{quote('opportunity_id')}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0004_technology_area_related_terms"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalOpportunityArea",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "weight",
                    models.FloatField(
                        default=1.0,
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="programmes.historicalopportunity",
                    ),
                ),
                (
                    "opportunity",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programmes.opportunity",
                    ),
                ),
                (
                    "technology_area",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programmes.technologyarea",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalOpportunityArea",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(snapshot_current_weights, migrations.RunPython.noop),
    ]
