"""Saved searches no longer keep a sort order (alerts.searches.IGNORED_PARAMS): drop `ordering` from stored queries,
so the listing, which compares its query without one, still says they are saved. A search whose query without the
sort order the user has also saved is left as it was: both keep working, as before."""

from urllib.parse import parse_qsl, urlencode

from django.db import migrations


def drop_ordering(apps, schema_editor):
    SavedSearch = apps.get_model("alerts", "SavedSearch")
    for search in SavedSearch.objects.filter(query__contains="ordering="):
        pairs = [(name, value) for name, value in parse_qsl(search.query) if name != "ordering"]
        query = urlencode(pairs)
        if query != search.query and not SavedSearch.objects.filter(user_id=search.user_id, query=query).exists():
            SavedSearch.objects.filter(pk=search.pk).update(query=query)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_webhook_disabled_detail_automatic")]

    operations = [migrations.RunPython(drop_ordering, migrations.RunPython.noop)]
