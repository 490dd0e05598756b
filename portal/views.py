"""Site-wide pages: home, the calendar page and its iCalendar feeds."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from matching.selectors import company_feed_match_list, viewer_company_list
from notices.models import Notice
from portal.calendar import company_feed_token, company_feed_token_valid, matches_calendar, opportunities_calendar
from portal.roles import is_consultant
from programmes.models import Opportunity
from programmes.selectors import (
    dated_opportunity_list,
    opportunity_kind_counts,
    technology_area_counts,
    upcoming_deadline_list,
)

ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"


def home(request: HttpRequest) -> HttpResponse:
    """What Kakehashi is, upcoming deadlines and events, counts by kind and area, and a search box."""
    today = timezone.localdate()
    context = {
        "deadlines": upcoming_deadline_list(user=request.user, today=today, events=False),
        "events": upcoming_deadline_list(user=request.user, today=today, events=True),
        "kind_counts": opportunity_kind_counts(),
        "notices": Notice.objects.published().prefetch_related("sources").newest_first()[:5],
        "area_counts": [area for area in technology_area_counts() if area.opportunity_count],
        "today": today,
    }
    return render(request, "portal/home.html", context)


def calendar(request: HttpRequest) -> HttpResponse:
    """Upcoming deadlines and events, with the feeds to subscribe to (one per firm for its staff)."""
    today = timezone.localdate()
    firm_feeds = [
        (company, request.build_absolute_uri(_company_feed_path(company)))
        for company in viewer_company_list(user=request.user)
    ]
    context = {
        "deadlines": upcoming_deadline_list(user=request.user, today=today, events=False, limit=50),
        "events": upcoming_deadline_list(user=request.user, today=today, events=True, limit=50),
        "public_feed": request.build_absolute_uri(reverse("portal:calendar_feed")),
        "firm_feeds": firm_feeds,
        "today": today,
    }
    return render(request, "portal/calendar.html", context)


def _company_feed_path(company: Company) -> str:
    path = reverse("portal:company_calendar_feed", kwargs={"slug": company.slug})
    return f"{path}?token={company_feed_token(company)}"


def _ical_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Every published deadline and event as iCalendar (titles in Japanese under /ja/)."""
    opportunities = dated_opportunity_list(queryset=Opportunity.objects.published())
    body = opportunities_calendar(
        opportunities, name=_("Kakehashi: Japanese defence deadlines"), absolute_url=request.build_absolute_uri
    )
    return _ical_response(body, "kakehashi.ics")


def company_calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """One firm's matched deadlines: for its calendar app (the URL's token) or its signed-in staff."""
    company = get_object_or_404(Company, slug=slug)
    user = request.user
    allowed = company_feed_token_valid(company, request.GET.get("token")) or (
        is_consultant(user) or Company.objects.member_of(user).filter(pk=company.pk).exists()
    )
    if not allowed:
        raise Http404("No such feed.")  # never confirm that a firm exists
    matches = company_feed_match_list(company=company)
    body = matches_calendar(
        matches,
        name=_("Kakehashi: deadlines for %(firm)s") % {"firm": company.name},
        absolute_url=request.build_absolute_uri,
    )
    return _ical_response(body, f"kakehashi-{company.slug}.ics")
