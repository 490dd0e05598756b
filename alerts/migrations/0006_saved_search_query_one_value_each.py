"""A listing parameter that takes one value, given several, is refused since 5 December 2026
(portal.filters.OneValueEachForm); until then the listing read the last one. Stored searches keep what they listed:
their repeated single-value parameters keep the last value. A search whose query so shortened the user has also
saved is left as it was, as in 0005."""

from django.db import migrations
from django.http import QueryDict

# The listing's parameters that take one value (programmes.filters.OpportunityFilterSet) as they were on that day.
ONE_VALUE = ("open", "closes_after", "closes_before", "eligible_country", "q", "when")


def keep_the_last_value(apps, schema_editor):
    SavedSearch = apps.get_model("alerts", "SavedSearch")
    for search in SavedSearch.objects.all().iterator():
        data = QueryDict(search.query)
        repeated = [name for name in ONE_VALUE if len(data.getlist(name)) > 1]
        if not repeated:
            continue
        data = data.copy()
        for name in repeated:
            data.setlist(name, data.getlist(name)[-1:])
        query = data.urlencode()  # as alerts.searches.query_normalise writes it: its parameters in the same order
        if not SavedSearch.objects.filter(user_id=search.user_id, query=query).exists():
            SavedSearch.objects.filter(pk=search.pk).update(query=query)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0005_saved_search_query_without_ordering")]

    operations = [migrations.RunPython(keep_the_last_value, migrations.RunPython.noop)]
