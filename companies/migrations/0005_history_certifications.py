"""History of the certifications a firm holds: each history row snapshots them (and their expiry dates).

The latest history row of each firm gets a snapshot of what it holds today, so the first change after the migration
is compared with that, not with nothing.
"""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def snapshot_current_certifications(apps, schema_editor):
    history = apps.get_model("companies", "HistoricalCompany")
    snapshot = apps.get_model("companies", "HistoricalCompanyCertification")
    link = apps.get_model("companies", "CompanyCertification")
    latest = {}
    for history_id, company_id in history.objects.order_by("history_date", "history_id").values_list(
        "history_id", "id"
    ):
        latest[company_id] = history_id
    snapshot.objects.bulk_create(
        snapshot(
            history_id=latest[row.company_id],
            id=row.id,
            company_id=row.company_id,
            certification_id=row.certification_id,
            expires_on=row.expires_on,
        )
        for row in link.objects.iterator()
        if row.company_id in latest
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
