"""History of an opportunity's area weights: each history row snapshots them, so a change of weights is listed.

Rows written before this migration hold no snapshot; the latest row of each record gets one of today's weights, so
the first change after the migration is compared with the weights as they were, not with nothing.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def snapshot_current_weights(apps, schema_editor):
    history = apps.get_model("programmes", "HistoricalOpportunity")
    snapshot = apps.get_model("programmes", "HistoricalOpportunityArea")
    link = apps.get_model("programmes", "OpportunityArea")
    latest = {}
    for history_id, opportunity_id in history.objects.order_by("history_date", "history_id").values_list(
        "history_id", "id"
    ):
        latest[opportunity_id] = history_id
    snapshot.objects.bulk_create(
        snapshot(
            history_id=latest[row.opportunity_id],
            id=row.id,
            opportunity_id=row.opportunity_id,
            technology_area_id=row.technology_area_id,
            weight=row.weight,
        )
        for row in link.objects.iterator()
        if row.opportunity_id in latest
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
