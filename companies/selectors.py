"""Reads of firms that pages share: what a user's firm listing and a profile page show."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from companies.filters import CompanyFilterSet
from companies.models import Company, CompanyCertification


def company_list(*, user: User | AnonymousUser, params: QueryDict | None = None) -> CompanyFilterSet:
    """The firms USER may see (all for consultants, their own for staff), filtered by PARAMS, ready to list."""
    queryset = Company.objects.visible_to(user).prefetch_related("technology_areas").order_by("name", "pk")
    return CompanyFilterSet(params, queryset=queryset)


def company_profile_queryset(*, user: User | AnonymousUser) -> QuerySet[Company]:
    """The firms whose profile USER may open, with the areas and certifications the page shows."""
    certifications = CompanyCertification.objects.with_expired().select_related("certification")
    return Company.objects.visible_to(user).prefetch_related(
        "technology_areas", Prefetch("certification_links", queryset=certifications)
    )


def viewer_company_list(*, user: User | AnonymousUser) -> list[Company]:
    """The viewer's firms: those USER works for, first by name; pages, sort-by-fit and feeds all ask here."""
    return list(Company.objects.member_of(user))


def viewer_company_pick(*, companies: list[Company], slug: str | None) -> Company | None:
    """The firm named by ?company=SLUG among COMPANIES, the viewer's firms (404 if not theirs:
    another firm's slug answers as an unknown one), else their first firm; pages that act for one of them ask here."""
    if not slug:
        return companies[0] if companies else None
    for company in companies:
        if company.slug == slug:
            return company
    raise Http404("No such firm among yours.")


def company_for_edit(*, user: User | AnonymousUser, slug: str) -> Company:
    """The firm SLUG for USER to change (its editors and consultants): another firm is a 404 (Http404), a viewer
    of this one a 403 (PermissionDenied). The profile form and "tick a suggested area" ask here."""
    company = get_object_or_404(Company.objects.visible_to(user), slug=slug)
    if not Company.objects.editable_by(user).filter(pk=company.pk).exists():
        raise PermissionDenied(_("Only the firm's editors may change its profile."))
    return company


def company_certifications_expired(*, company: Company) -> list[CompanyCertification]:
    """The certificates COMPANY lists whose expiry date has passed: kept on the profile, but not counted for scoring."""
    return list(company.certification_links.expired().select_related("certification"))
