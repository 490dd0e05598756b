"""Keywords stored as readable text (portal.jsontext.UnicodeJSONEncoder), so that `q` finds Japanese keywords on
SQLite too; the rows already written are written again in the new form (PostgreSQL's jsonb is unchanged)."""

import portal.jsontext
from django.db import migrations, models


def rewrite_keywords(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # jsonb keeps the characters whatever the encoder: nothing to rewrite
    opportunity = apps.get_model("programmes", "Opportunity")
    for pk, keywords in opportunity.objects.exclude(keywords=[]).values_list("pk", "keywords"):
        opportunity.objects.filter(pk=pk).update(keywords=keywords)


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0006_field_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalopportunity',
            name='keywords',
            field=models.JSONField(blank=True, default=list, encoder=portal.jsontext.UnicodeJSONEncoder, verbose_name='keywords'),
        ),
        migrations.AlterField(
            model_name='opportunity',
            name='keywords',
            field=models.JSONField(blank=True, default=list, encoder=portal.jsontext.UnicodeJSONEncoder, verbose_name='keywords'),
        ),
        migrations.RunPython(rewrite_keywords, migrations.RunPython.noop),
    ]
