"""The page of one published notice: what changed, when, whom it concerns, and its sources."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from notices.models import Notice


def notice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A published notice with the countries, areas and records it concerns; a draft or unknown slug is a 404."""
    notice = get_object_or_404(Notice.objects.published().for_listing(request.user), slug=slug)
    return render(request, "notices/notice_detail.html", {"notice": notice, "notice_list": [notice]})
