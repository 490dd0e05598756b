"""The "Save this search" panel the opportunity listing shows (the listing lives below alerts, so it loads a tag)."""

from django import template
from django.http import HttpRequest

from alerts.forms import SavedSearchForm
from alerts.models import NotificationSettings, SavedSearch
from alerts.searches import listing_search_query, saved_search_for_query
from programmes.filters import listing_params

register = template.Library()


def listing_query(request: HttpRequest) -> str:
    """The filters the listing applies now, with its defaults (open now unless the reader chose), normalised."""
    return listing_search_query(listing_params(request.GET, user=request.user).urlencode())


@register.inclusion_tag("alerts/_saved_search_panel.html", takes_context=True)
def saved_search_panel(context: template.Context) -> dict:
    """Whether the listing's query is saved (and how often it is sent), or a form to save it, for signed-in users."""
    request = context["request"]
    if not request.user.is_authenticated:
        return {"show": False}
    query = listing_query(request)
    saved = saved_search_for_query(user=request.user, query=query)
    form = SavedSearchForm(initial={"query": query, "frequency": SavedSearch.Frequency.DAILY})
    digests_off = saved is not None and NotificationSettings.objects.filter(user=request.user, frequency="off").exists()
    return {
        "show": True, "saved": saved, "digests_off": digests_off, "form": form, "csrf_token": context.get("csrf_token")
    }  # fmt: skip
