"""Partner listings, introduction lists and a firm's partner fits cost the same number of queries at 2 and 20 rows."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners.models import Introduction, PartnerFit
from tests.partners.conftest import make_partner


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_partners(areas, n: int, prefix: str = "extra") -> list:
    return [make_partner(f"{prefix}-{i}", role="sme", areas={areas["uav"]: 0.5}) for i in range(n)]


def test_the_partner_api_list_is_three_queries_at_2_and_20_rows(anon_client, areas):
    add_partners(areas, 2)
    # the count; the page of partners; their area links with the areas (one prefetch)
    assert queries(anon_client, "/api/v1/partners/") == 3
    add_partners(areas, 18, prefix="more")
    assert queries(anon_client, "/api/v1/partners/") == 3


def test_the_partner_page_list_is_constant(anon_client, areas):
    add_partners(areas, 2)
    at_2 = queries(anon_client, "/partners/")
    add_partners(areas, 18, prefix="more")

    assert queries(anon_client, "/partners/") == at_2


def test_the_introduction_list_is_constant(alice_client, firm_a, alice, areas):
    def ask(n: int, prefix: str) -> None:
        for partner in add_partners(areas, n, prefix=prefix):
            Introduction.objects.create(company=firm_a, partner=partner, message="hello", requested_by=alice)

    ask(2, "first")
    api_2, page_2 = queries(alice_client, "/api/v1/introductions/"), queries(alice_client, "/my/introductions/")
    ask(18, "more")

    assert queries(alice_client, "/api/v1/introductions/") == api_2
    assert queries(alice_client, "/my/introductions/") == page_2


def test_a_firms_partner_fits_are_constant(alice_client, firm_a, areas):
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    for partner in add_partners(areas, 2):
        PartnerFit.objects.create(company=firm_a, partner=partner, score=10.0, computed_at=now)
    at_2 = queries(alice_client, "/api/v1/companies/firm-a/partners/")
    for i in range(18):
        partner = make_partner(f"more-{i}", role="sme", areas={})
        PartnerFit.objects.create(company=firm_a, partner=partner, score=5.0, computed_at=now)

    # session and user; the firm check (and the consultant-group check); count; the page with partners; the area
    # and opportunity labels for the reasons' text
    assert queries(alice_client, "/api/v1/companies/firm-a/partners/") == at_2
