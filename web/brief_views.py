"""Event briefs: a firm's printable page for one event, and the event's own .ics (issue 16)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from companies.selectors import viewer_company_list, viewer_company_pick
from matching.messages import names_for
from portal.text import localised
from web.briefs import brief_event_get, event_brief
from web.calendar import opportunities_calendar
from web.views import ICAL_CONTENT_TYPE


@cache_control(private=True)  # a firm's scores and partners: never kept by a shared cache
@login_required
def event_brief_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The brief of the viewer's firm (?company= picks among theirs) for one event; 404 for anyone without a firm."""
    companies = viewer_company_list(user=request.user)
    company = viewer_company_pick(companies=companies, slug=request.GET.get("company"))
    if company is None:
        raise Http404("No firm to brief.")
    event = brief_event_get(user=request.user, slug=slug)
    brief = event_brief(user=request.user, company=company, event=event, names=names_for(request))
    context = {"brief": brief, "companies": companies, "company": company, "today": timezone.localdate()}
    return render(request, "portal/event_brief.html", context)


@login_required
def event_brief_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's dates and venue as one iCalendar entry (tentative for an expected edition)."""
    event = brief_event_get(user=request.user, slug=slug)
    body = opportunities_calendar([event], name=localised(event), absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type=ICAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
