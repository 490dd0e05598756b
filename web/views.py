"""Site-wide pages: home, the calendar page and its iCalendar feeds."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from companies.models import Company
from companies.selectors import viewer_company_list, viewer_company_pick
from matching.selectors import company_feed_match_list
from notices.models import Notice
from portal.models import SecretLink
from portal.secret_links import secret_link_issue, secret_link_resolve
from portal.text import reading_japanese
from programmes.models import Opportunity
from programmes.selectors import (
    dated_opportunity_list,
    opportunity_kind_counts,
    technology_area_counts,
    upcoming_deadline_list,
)
from web.calendar import matches_calendar, opportunities_calendar
from workspace.selectors import pipeline_calendar_list, pipeline_due_calendar_list, with_workspace

ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"


def home(request: HttpRequest) -> HttpResponse:
    """What Kakehashi is, upcoming deadlines and events, counts by kind and area, and a search box."""
    today = timezone.localdate()
    context = {
        "deadlines": upcoming_deadline_list(user=request.user, today=today, events=False),
        "events": upcoming_deadline_list(user=request.user, today=today, events=True),
        "kind_counts": opportunity_kind_counts(),
        "notices": Notice.objects.published().prefetch_related("sources").newest_first()[:5],
        "area_counts": [area for area in technology_area_counts(japanese=reading_japanese()) if area.opportunity_count],
        "today": today,
    }
    return render(request, "portal/home.html", context)


def calendar(request: HttpRequest) -> HttpResponse:
    """Upcoming deadlines and events, with the feeds to subscribe to; a POST gives the user a new private feed link.

    A private link's secret is stored hashed, so it is shown once, on the answer to the POST that made it.
    """
    today = timezone.localdate()
    firms = viewer_company_list(user=request.user)
    new_link: tuple[int, str] | None = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        slug = (request.POST.get("company") or "").strip()
        if not slug:  # the page always names the firm; a hand-made request is told what is missing
            messages.error(request, _("Choose the firm whose private calendar link you want."))
            return redirect(f"{reverse('portal:calendar')}#firm-feeds")
        company = viewer_company_pick(companies=firms, slug=slug)  # another firm's: not found, as on every page
        _link, raw = secret_link_issue(user=request.user, purpose=SecretLink.Purpose.CALENDAR, subject_id=company.pk)
        new_link = (company.pk, request.build_absolute_uri(f"{reverse('portal:private_calendar_feed')}?token={raw}"))
    held = set(
        SecretLink.objects.active()
        .filter(user_id=request.user.pk, purpose=SecretLink.Purpose.CALENDAR)
        .values_list("subject_id", flat=True)
    )
    firm_feeds = [
        {
            "company": firm,
            "has_link": firm.pk in held,
            "new_url": new_link[1] if new_link and new_link[0] == firm.pk else "",
        }
        for firm in firms
    ]
    context = {
        "deadlines": upcoming_deadline_list(user=request.user, today=today, events=False, limit=50),
        "events": upcoming_deadline_list(user=request.user, today=today, events=True, limit=50),
        "public_feed": request.build_absolute_uri(reverse("portal:calendar_feed")),
        "firm_feeds": firm_feeds,
        "today": today,
    }
    response = render(request, "portal/calendar.html", context)
    if new_link:
        add_never_cache_headers(response)  # the page shows a secret: no cache may keep it
    return response


def _ical_response(body: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=ICAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        patch_cache_control(response, private=True)  # a firm's scores: never kept by a shared cache
    return response


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Every published deadline and event as iCalendar (titles in Japanese under /ja/)."""
    opportunities = dated_opportunity_list(queryset=Opportunity.objects.published())
    body = opportunities_calendar(
        opportunities, name=_("Kakehashi: Japanese defence deadlines"), absolute_url=request.build_absolute_uri
    )
    return _ical_response(body, "kakehashi.ics")


def company_calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """One firm's matched deadlines for its signed-in staff and consultants (calendar apps use the private link)."""
    company = get_object_or_404(Company.objects.visible_to(request.user), slug=slug)
    return _company_feed(request, company)


def private_calendar_feed(request: HttpRequest) -> HttpResponse:
    """A firm's matched deadlines for a calendar app: the secret link names the user and the firm (issue 17).

    The user must still see the firm, so a link outlives neither the membership nor the account.
    """
    link = secret_link_resolve(raw=request.GET.get("token"), purpose=SecretLink.Purpose.CALENDAR)
    company = Company.objects.visible_to(link.user).filter(pk=link.subject_id).first() if link else None
    if company is None:
        raise Http404("No such feed.")  # the same answer for a wrong, revoked or outdated link
    return _company_feed(request, company)


def _company_feed(request: HttpRequest, company: Company) -> HttpResponse:
    # workspace (#14): a match the firm marked "not relevant" is not one of its deadlines
    scored = company_feed_match_list(company=company)
    matches = with_workspace(scored)
    # Records the firm follows or pursues that it has no score for (an expected edition) keep their dates there too;
    # a match it dismissed stays out, as above.
    followed = pipeline_calendar_list(company=company, leaving_out=scored.values("opportunity_id"))
    body = matches_calendar(
        matches,
        name=_("Kakehashi: deadlines for %(firm)s") % {"firm": company.name},
        absolute_url=request.build_absolute_uri,
        followed=followed,
        due=pipeline_due_calendar_list(company=company),
    )
    return _ical_response(body, f"kakehashi-{company.slug}.ics", private=True)
