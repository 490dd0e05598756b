"""Reads of partners that more than one caller needs: the partners to suggest for a "needs a Japanese partner" gap."""

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from partners.models import Partner, PartnerFit
from programmes.models import Opportunity

GAP_PARTNERS = 3


def partners_for_gap(*, company_id: int, opportunity: Opportunity, limit: int = GAP_PARTNERS) -> list[Partner]:
    """The LIMIT partners to offer a firm whose match with OPPORTUNITY needs a Japanese partner (issue 16).

    Partners that already work on the opportunity come first, then those working in its areas; within each, the
    firm's partner fit decides. One query. The match explanations put these in `gaps_detail[].partners`.
    """
    areas = opportunity.area_links.values("technology_area_id")
    fit = PartnerFit.objects.filter(company_id=company_id, partner=OuterRef("pk")).values("score")[:1]
    return list(
        Partner.objects.filter(Q(programmes=opportunity) | Q(area_links__technology_area__in=areas))
        .annotate(
            on_it=Exists(Partner.programmes.through.objects.filter(partner_id=OuterRef("pk"), opportunity=opportunity)),
            fit=Coalesce(fit, Value(0.0)),
        )
        .order_by("-on_it", "-fit", "name")
        .distinct()[:limit]
    )
