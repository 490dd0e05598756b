"""Bare Django views returning the same rows as two API endpoints, for bench/api.sh's DRF-to-bare ratio.

They do the same database work as the API (token lookup, visibility rule, a page of 20 rows plus the count)
but build the JSON by hand with JsonResponse: no serializers, filter forms, content negotiation or throttles.
Only bench/api_urls.py routes them, under bench/api_settings.py; the public URLs never do.
"""

from django.db.models import Case, F, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404

from companies.models import Company
from matching.api.views import _match_rows
from portal.models import ApiToken, hash_token
from programmes.models import Opportunity, OpportunityArea, TechnologyArea

PAGE = 20


def _user(request):
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first() if raw else None
    if raw and token is None:
        raise Http404("bad token")
    return token.user if token else request.user


def _match_row(match) -> dict:
    opportunity = match.opportunity
    return {
        "company": {"slug": match.company.slug, "name": match.company.name},
        "opportunity": {
            "slug": opportunity.slug,
            "kind": opportunity.kind,
            "title": opportunity.title,
            "technology_areas": [link.technology_area.slug for link in opportunity.area_links.all()],
        },
        "score": match.score,
        "components": match.components,
        "reasons": match.reasons,
        "gaps": match.gaps,
        "eligible": match.eligible,
        "computed_at": match.computed_at.isoformat(),
    }


def company_matches(request, slug: str):
    user = _user(request)
    company = get_object_or_404(Company.objects.visible_to(user), slug=slug)
    matches = _match_rows(user).filter(company=company).best_first()
    rows = [_match_row(match) for match in matches[:PAGE]]
    return JsonResponse({"count": matches.count(), "results": rows})


def _opportunity_row(o: Opportunity) -> dict:
    return {
        "slug": o.slug,
        "kind": o.kind,
        "title": o.title,
        "title_ja": o.title_ja,
        "summary": o.summary,
        "description": o.description,
        "keywords": o.keywords,
        "organisations": [{"slug": g.slug, "name": g.name, "acronym": g.acronym} for g in o.organisations.all()],
        "technology_areas": [{"slug": a.technology_area.slug, "weight": a.weight} for a in o.area_links.all()],
        "eligibility": {
            "countries": [c.code for c in o.eligible_countries],
            "sizes": o.eligible_sizes,
            "min_trl": o.min_trl,
            "japan_presence": o.japan_presence,
            "certifications": [c.code for c in o.required_certifications.all()],
            "notes": o.eligibility_notes,
        },
        "dates": {
            "opens_on": o.opens_on and o.opens_on.isoformat(),
            "closes_on": o.closes_on and o.closes_on.isoformat(),
            "starts_on": o.starts_on and o.starts_on.isoformat(),
            "ends_on": o.ends_on and o.ends_on.isoformat(),
            "venue": o.venue,
        },
        "url": o.url,
        "status": o.status,
        "confidence": o.confidence,
        "sources": [
            {
                "url": s.url,
                "title": s.title,
                "publisher": s.publisher,
                "accessed_on": s.accessed_on and s.accessed_on.isoformat(),
                "confidence": s.confidence,
            }
            for s in o.sources.all()
        ],
        "last_verified_on": o.last_verified_on and o.last_verified_on.isoformat(),
        "updated_at": o.updated_at.isoformat(),
    }


def opportunities(request):
    user = _user(request)
    slugs = request.GET.getlist("technology_area")
    queryset = Opportunity.objects.visible_to(user).for_listing().prefetch_related("sources", "required_certifications")
    if slugs:
        links = OpportunityArea.objects.filter(technology_area__in=TechnologyArea.objects.filter(slug__in=slugs))
        queryset = queryset.filter(pk__in=links.values("opportunity"))
    queryset = queryset.annotate(
        deadline_on=Case(When(kind=Opportunity.Kind.EVENT, then=F("starts_on")), default=F("closes_on"))
    ).order_by(F("deadline_on").asc(nulls_last=True), "title", "pk")
    rows = [_opportunity_row(o) for o in queryset[:PAGE]]
    return JsonResponse({"count": queryset.count(), "results": rows})
