"""A match that needs a Japanese partner is offered the three best partners for that opportunity."""

import datetime

from django.utils import timezone

from partners.models import PartnerFit
from partners.selectors import partners_for_gap
from tests.factories import CallFactory
from tests.partners.conftest import make_partner


def test_partners_on_the_programme_come_first_then_the_firms_best_fits_in_its_areas(firm_a, areas, partners):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    on_it = make_partner("yard-on-the-call", role="supplier", areas={areas["cyber"]: 1.0})
    on_it.programmes.add(call)
    second_yard = make_partner("second-yard", role="prime", areas={areas["usv"]: 0.5})
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["shipyard"], score=40.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=second_yard, score=60.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=partners["it_prime"], score=90.0, computed_at=now)

    offered = partners_for_gap(company_id=firm_a.pk, opportunity=call)

    # The IT prime fits the firm best overall, but works neither on the call nor in its area.
    assert [p.slug for p in offered] == ["yard-on-the-call", "second-yard", "shipyard-kk"]
