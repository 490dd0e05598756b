"""Partners for the tests: a shipbuilder, an IT prime and a drone start-up, with areas and a source."""

import datetime

import pytest

from partners.models import ForeignPartnership, Partner, PartnerArea, PartnerSource
from tests.factories import TechnologyAreaFactory


def make_partner(slug: str, *, role: str, areas: dict, name_ja: str = "", city: str = "Tokyo", **extra) -> Partner:
    partner = Partner.objects.create(
        slug=slug,
        name=extra.pop("name", slug.replace("-", " ").title()),
        name_ja=name_ja,
        role=role,
        size=extra.pop("size", "large"),
        city=city,
        capabilities=extra.pop("capabilities", f"What {slug} makes."),
        contact_url=f"https://{slug}.example/contact/",
        last_verified_on=datetime.date(2026, 12, 2),
        **extra,
    )
    for area, weight in areas.items():
        PartnerArea.objects.create(partner=partner, technology_area=area, weight=weight)
    PartnerSource.objects.create(
        partner=partner,
        url=f"https://news.example/{slug}",
        title=f"About {slug}",
        accessed_on=datetime.date(2026, 12, 2),
    )
    return partner


@pytest.fixture
def areas(db):
    return {
        slug: TechnologyAreaFactory(slug=slug, name=name, name_ja=name_ja)
        for slug, name, name_ja in [
            ("usv", "Uncrewed surface vessels", "無人水上艇"),
            ("uuv", "Uncrewed underwater vehicles", "無人潜水艇"),
            ("cyber", "Cyber", "サイバー"),
            ("uav", "Uncrewed aerial vehicles", "無人航空機"),
            ("ai-autonomy", "AI and autonomy", "AI・自律化"),
        ]
    }


@pytest.fixture
def partners(areas):
    shipyard = make_partner(
        "shipyard-kk",
        role="prime",
        areas={areas["usv"]: 0.8, areas["uuv"]: 0.6},
        name_ja="造船",
        name_kana="ぞうせん",
        city="Yokohama",
    )
    ForeignPartnership.objects.create(
        partner=shipyard, counterpart="Navy of Somewhere", country="AU", summary="Frigates.",
        source_url="https://news.example/frigates",
    )  # fmt: skip
    it_prime = make_partner("it-prime", role="prime", areas={areas["cyber"]: 1.0}, name_ja="ITプライム")
    drones = make_partner(
        "drone-startup", role="startup", size="startup", areas={areas["uav"]: 1.0}, name_ja="ドローン",
        capabilities="Long-range drones for surveillance.",
    )  # fmt: skip
    return {"shipyard": shipyard, "it_prime": it_prime, "drones": drones}
