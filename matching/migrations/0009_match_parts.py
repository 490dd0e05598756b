"""Matches keep [value, contribution] per component (`parts`) instead of a `components` object repeating weights.

The conversion is written out here rather than imported from matching.parts, since a migration must keep meaning
what it meant when it was written. The component order and weights are engine 2.x's.

On PostgreSQL the copy is one UPDATE that moves the stored numbers as they are (jsonb keeps `1.0000` and `60.40`), so
a migrated row's digest equals the one scoring writes and the next rescore leaves it alone (matching.store). Dropping
a column leaves its bytes in every row until the row is written again, and unchanged rows never are: the migration
ends with `VACUUM FULL matching_match`, which rewrites the table without them (about a minute per million rows, with
the table locked). So it is not atomic as a whole; the copy is. Stop the web and worker processes while it runs: the
old code writes `components`, which is gone at the end.
"""

from django.db import migrations, models

ORDER = ("capability", "eligibility", "readiness", "compliance", "timing")
WEIGHTS = {"capability": "0.7", "eligibility": "0.12", "readiness": "0.06", "compliance": "0.06", "timing": "0.06"}


def _number_sql(value: str) -> str:
    return f"CASE WHEN jsonb_typeof({value}) = 'number' THEN {value} ELSE '0'::jsonb END"


def _pair_sql(name: str) -> str:
    """A component as [value, contribution]: from an object, from a bare number (a contribution alone), else null."""
    part = f"components->'{name}'"
    value, contribution = _number_sql(f"{part}->'value'"), _number_sql(f"{part}->'contribution'")
    return (
        f"CASE jsonb_typeof({part}) "
        f"WHEN 'object' THEN jsonb_build_array({value}, {contribution}) "
        f"WHEN 'number' THEN jsonb_build_array('0'::jsonb, {part}) "
        "ELSE 'null'::jsonb END"
    )


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _pair(part):
    if isinstance(part, dict):
        return [_number(part.get("value")), _number(part.get("contribution"))]
    if isinstance(part, int | float) and not isinstance(part, bool):
        return [0, part]
    return None


def forwards(apps, schema_editor):
    Match = apps.get_model("matching", "Match")
    table = Match._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        pairs = ", ".join(_pair_sql(name) for name in ORDER)
        schema_editor.execute(
            f"UPDATE {table} SET parts = CASE WHEN jsonb_typeof(components) = 'object' AND components <> '{{}}' "
            f"THEN jsonb_build_array({pairs}) ELSE '[]'::jsonb END"
        )
        return
    def parts(match):
        components = match.components if isinstance(match.components, dict) else {}
        return [_pair(components.get(name)) for name in ORDER] if components else []

    _rewrite(Match, "components", "parts", parts)


def backwards(apps, schema_editor):
    Match = apps.get_model("matching", "Match")
    table = Match._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        objects = []
        for n, name in enumerate(ORDER):
            pair = f"parts->{n}"
            objects.append(
                f"CASE WHEN jsonb_typeof({pair}) = 'array' THEN jsonb_build_object('{name}', jsonb_build_object("
                f"'value', {pair}->0, 'weight', '{WEIGHTS[name]}'::jsonb, 'contribution', {pair}->1)) "
                "ELSE '{}'::jsonb END"
            )
        schema_editor.execute(f"UPDATE {table} SET components = {' || '.join(objects)}")
        return
    def components(match):
        return {
            name: {"value": part[0], "weight": float(WEIGHTS[name]), "contribution": part[1]}
            for name, part in zip(ORDER, match.parts or [], strict=False)
            if part
        }

    _rewrite(Match, "parts", "components", components)


def _rewrite(Match, source, target, convert, size=2000):
    """Set each match's TARGET field to CONVERT(match), reading SOURCE, in batches (the SQLite path)."""
    batch = []
    for match in Match.objects.only("pk", source).iterator(chunk_size=size):
        setattr(match, target, convert(match))
        batch.append(match)
        if len(batch) >= size:
            Match.objects.bulk_update(batch, [target])
            batch = []
    Match.objects.bulk_update(batch, [target])


def compact(apps, schema_editor):
    """Rewrite the table without the dropped column's bytes and the copy's dead rows (PostgreSQL only)."""
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("matching", "Match")._meta.db_table
        schema_editor.execute(f"VACUUM FULL {table}")


class Migration(migrations.Migration):
    atomic = False  # VACUUM FULL cannot run in a transaction; the copy below is atomic on its own

    dependencies = [
        ("matching", "0008_feedback_mark_shared"),
    ]

    operations = [
        migrations.AddField(
            model_name="match",
            name="parts",
            field=models.JSONField(default=list, verbose_name="components"),
        ),
        migrations.RunPython(forwards, backwards, atomic=True, elidable=False),
        migrations.RemoveField(model_name="match", name="components"),
        migrations.RunPython(compact, migrations.RunPython.noop, elidable=False),
    ]
