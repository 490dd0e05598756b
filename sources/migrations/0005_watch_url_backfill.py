"""Watches that read a page before 0004 kept no address: take their source's, so a later edit of it is seen.

Without it, a consultant who edited such a source's address before its next check had the old page's validators sent
to the new server (a 304 kept the old text) or the whole new page reported as a change. Assumes the address was not
edited between the watch's last read and this migration, the best that can be known.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    SourceWatch = apps.get_model("sources", "SourceWatch")
    Source = apps.get_model("programmes", "Source")
    address = Source.objects.filter(pk=OuterRef("source_id")).values("url")[:1]
    SourceWatch.objects.filter(url="").exclude(text_hash="").update(url=Subquery(address))


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_watch_url"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
