"""The source queue's counts on the admin index."""

from django import template

from portal.roles import is_consultant
from sources.selectors import queue_counts

register = template.Library()


@register.inclusion_tag("admin/sources/_queue_counts.html", takes_context=True)
def source_queue_counts(context) -> dict:
    """Open changes, unreachable sources, stale and untranslated records, for consultants only."""
    request = context.get("request")
    if request is None or not is_consultant(request.user):
        return {"counts": None}
    return {"counts": queue_counts()}
