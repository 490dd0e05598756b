"""Read-only API over curated records; opportunities are filtered by the shared OpportunityFilterSet."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from portal.api.caching import CachedListMixin
from portal.api.conditional import ConditionalRetrieveMixin
from portal.api.language import LANG, ReaderLanguageMixin
from programmes.api.serializers import (
    CertificationSerializer,
    OpportunitySerializer,
    OrganisationSerializer,
    TechnologyAreaSerializer,
)
from programmes.filters import OpportunityFilterSet
from programmes.models import Certification, Opportunity, Organisation, TechnologyArea


@extend_schema_view(list=extend_schema(parameters=[LANG]), retrieve=extend_schema(parameters=[LANG]))
class OpportunityViewSet(ReaderLanguageMixin, CachedListMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Published opportunities (consultants also see drafts and archived ones), soonest deadline first."""

    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        # The listing's prefetches plus what the API adds (for_detail's related records and verifier are not shown).
        listing = Opportunity.objects.visible_to(self.request.user).for_listing()
        return listing.prefetch_related("sources", "required_certifications")

    def list_cache_families(self) -> tuple[str, ...]:
        return self.cache_families_for(self.request.query_params)

    @staticmethod
    def cache_families_for(params) -> tuple[str, ...]:
        """The records; with ordering=fit also who belongs to which firm and their scores, which that order uses."""
        if params.get("ordering") == "fit":
            return ("records", "accounts", "matches")
        return ("records",)


class TechnologyAreaViewSet(CachedListMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """The fixed technology areas that firms and opportunities are tagged with."""

    cache_families = ("records",)

    queryset = TechnologyArea.objects.in_reading_order(japanese=False)  # by English name, as the pages list them
    serializer_class = TechnologyAreaSerializer
    lookup_field = "slug"


class OrganisationViewSet(CachedListMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Ministries, agencies and trade bodies behind the opportunities."""

    cache_families = ("records",)

    queryset = Organisation.objects.in_reading_order(japanese=False)
    serializer_class = OrganisationSerializer
    lookup_field = "slug"


class CertificationViewSet(CachedListMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Quality and security certifications, with their equivalents."""

    cache_families = ("records",)

    queryset = Certification.objects.prefetch_related("equivalents").order_by("name", "pk")
    serializer_class = CertificationSerializer
    lookup_field = "code"
