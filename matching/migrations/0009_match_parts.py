"""Matches keep [value, contribution] per component (`parts`) instead of a `components` object repeating weights.

The conversion is written out here rather than imported from matching.parts, since a migration must keep meaning
what it meant when it was written. The component order is engine 2.x's.
"""

from django.db import migrations, models

ORDER = ("capability", "eligibility", "readiness", "compliance", "timing")
WEIGHTS = {"capability": 0.70, "eligibility": 0.12, "readiness": 0.06, "compliance": 0.06, "timing": 0.06}


def _pair_sql(name: str, column: str = "components") -> str:
    part = f"{column}->'{name}'"
    return (
        f"CASE WHEN jsonb_typeof({part}) = 'object' "
        f"THEN jsonb_build_array(COALESCE({part}->'value', '0'::jsonb), COALESCE({part}->'contribution', '0'::jsonb)) "
        "ELSE 'null'::jsonb END"
    )


def forwards(apps, schema_editor):
    Match = apps.get_model("matching", "Match")
    table = Match._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        pairs = ", ".join(_pair_sql(name) for name in ORDER)
        schema_editor.execute(
            f"UPDATE {table} SET parts = CASE WHEN jsonb_typeof(components) = 'object' "
            f"THEN jsonb_build_array({pairs}) ELSE '[]'::jsonb END"
        )
        return
    batch = []
    for match in Match.objects.only("pk", "components").iterator(chunk_size=2000):
        components = match.components if isinstance(match.components, dict) else {}
        match.parts = [
            [part.get("value", 0.0), part.get("contribution", 0.0)] if isinstance(part, dict) else None
            for part in (components.get(name) for name in ORDER)
        ]
        batch.append(match)
        if len(batch) >= 2000:
            Match.objects.bulk_update(batch, ["parts"])
            batch = []
    Match.objects.bulk_update(batch, ["parts"])


def backwards(apps, schema_editor):
    Match = apps.get_model("matching", "Match")
    batch = []
    for match in Match.objects.only("pk", "parts").iterator(chunk_size=2000):
        match.components = {
            name: {"value": part[0], "weight": WEIGHTS[name], "contribution": part[1]}
            for name, part in zip(ORDER, match.parts or [], strict=False)
            if part
        }
        batch.append(match)
        if len(batch) >= 2000:
            Match.objects.bulk_update(batch, ["components"])
            batch = []
    Match.objects.bulk_update(batch, ["components"])


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_feedback_mark_shared"),
    ]

    operations = [
        migrations.AddField(
            model_name="match",
            name="parts",
            field=models.JSONField(default=list, verbose_name="components"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RemoveField(model_name="match", name="components"),
    ]
