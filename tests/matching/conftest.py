"""Fixtures for the matching tests: the curated technology areas and certifications, and firms in their own words."""

from pathlib import Path

import pytest
import yaml
from django.test import Client

from companies.models import Membership
from programmes.models import Certification, TechnologyArea
from tests.factories import MembershipFactory, UserFactory
from tests.pages import alice_matches, areas, certifications, orgs, world  # noqa: F401 (the page tests' fixtures)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DRONES = (
    "We design and build long-endurance fixed-wing UAVs and VTOL drones for maritime surveillance, with our own "
    "autopilot and ground control station software for beyond-visual-line-of-sight flight."
)


@pytest.fixture
def curated_areas(db) -> dict[str, TechnologyArea]:
    """The 21 curated technology areas with their lexicon and related terms (fixtures/technology_areas.yaml)."""
    records = yaml.safe_load((FIXTURES / "technology_areas.yaml").read_text())
    return {
        r["slug"]: TechnologyArea.objects.create(
            slug=r["slug"],
            name=r["name"],
            description=r["description"],
            keywords=r.get("keywords") or [],
            related_terms=r.get("related_terms") or [],
        )
        for r in records
    }


@pytest.fixture
def curated_certifications(db) -> dict[str, Certification]:
    """The curated certifications with their equivalents (fixtures/certifications.yaml), by code."""
    records = yaml.safe_load((FIXTURES / "certifications.yaml").read_text())
    records = records.get("records", records) if isinstance(records, dict) else records
    certs = {r["code"]: Certification.objects.create(code=r["code"], name=r["name"]) for r in records}
    for r in records:
        certs[r["code"]].equivalents.add(*[certs[c] for c in r.get("equivalents") or [] if c in certs])
    return certs


@pytest.fixture
def drone_firm(firm_a, curated_areas):
    """Firm A in the words of a drone maker, ticking nothing: suggested `uav` first."""
    firm_a.description = DRONES
    firm_a.save()
    return firm_a


@pytest.fixture
def viewer_client(drone_firm):
    """Victor, a viewer of the drone firm, signed in."""
    viewer = UserFactory(username="victor")
    MembershipFactory(user=viewer, company=drone_firm, role=Membership.Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    return client
