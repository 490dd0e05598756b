"""API fixtures: a small fixed set of records and matches, bearer-token clients, and golden-file comparison."""

import datetime
import json
import os
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from portal.tokens import token_issue, token_revoke
from programmes.models import Opportunity
from tests.factories import (
    CertificationFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    SourceFactory,
    TechnologyAreaFactory,
    UserFactory,
)

RESPONSES = Path(__file__).parent / "responses"
# Values that change from run to run; golden files hold a placeholder instead.
VOLATILE_KEYS = {
    "id",
    "created_at",
    "updated_at",
    "computed_at",
    "started_at",
    "finished_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "prefix",
    "engine_version",
}


def normalise(data):
    """DATA with volatile values (timestamps, ids) replaced by "<volatile>", so golden files stay stable."""
    if isinstance(data, dict):
        return {
            key: "<volatile>" if key in VOLATILE_KEYS and value is not None else normalise(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [normalise(item) for item in data]
    return data


def assert_golden(response, route: str) -> None:
    """The response body equals tests/api/responses/ROUTE.json; UPDATE_GOLDEN=1 rewrites the file."""
    path = RESPONSES / f"{route}.json"
    body = normalise(response.json())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1 and review the diff"
    assert body == json.loads(path.read_text())


def bearer_client(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def records(db):
    """Areas, organisations, certifications and five opportunities: three published, a draft and an archived one."""
    uav = TechnologyAreaFactory(slug="uav", name="Uncrewed aerial vehicles", keywords=["drone"])
    space = TechnologyAreaFactory(slug="space", name="Space")
    cyber = TechnologyAreaFactory(slug="cyber", name="Cyber")
    atla = OrganisationFactory(slug="atla", name="Acquisition, Technology & Logistics Agency", acronym="ATLA")
    meti = OrganisationFactory(slug="meti", name="Ministry of Economy, Trade and Industry", acronym="METI")
    as9100 = CertificationFactory(code="as9100d", name="AS9100D", issuer="IAQG")
    jisq = CertificationFactory(code="jis-q-9100", name="JIS Q 9100", issuer="JSA")
    as9100.equivalents.add(jisq)
    CertificationFactory(code="iso-27001", name="ISO/IEC 27001")
    call = OpportunityFactory(
        slug="atla-uav-call",
        kind=Opportunity.Kind.CALL,
        title="UAV autonomy call",
        summary="ATLA seeks autonomy software for small UAVs.",
        keywords=["swarm"],
        areas=[(uav, 1.0), (space, 0.5)],
        eligible_countries=["AU", "US"],
        eligible_sizes=["startup", "sme"],
        min_trl=6,
        opens_on=datetime.date(2099, 1, 10),
        closes_on=datetime.date(2099, 3, 31),
        url="https://www.mod.go.jp/atla/example-call.html",
        last_verified_on=datetime.date(2026, 1, 15),
        with_source=False,
    )
    call.organisations.add(atla)
    call.required_certifications.add(as9100)
    SourceFactory(
        opportunity=call, url="https://www.mod.go.jp/atla/source.html", accessed_on=datetime.date(2026, 1, 15)
    )
    event = OpportunityFactory(
        slug="dsei-japan-2099",
        kind=Opportunity.Kind.EVENT,
        title="DSEI Japan 2099",
        summary="Defence and security equipment exhibition.",
        areas=[cyber],
        starts_on=datetime.date(2099, 5, 20),
        ends_on=datetime.date(2099, 5, 22),
        venue="Makuhari Messe, Chiba",
        last_verified_on=datetime.date(2026, 1, 15),
        with_source=False,
    )
    event.organisations.add(meti)
    OpportunityFactory(
        slug="closed-space-call",
        kind=Opportunity.Kind.CALL,
        title="Closed space call",
        summary="A call that closed long ago.",
        areas=[space],
        eligible_countries=["JP"],
        opens_on=datetime.date(2020, 1, 1),
        closes_on=datetime.date(2020, 6, 30),
        last_verified_on=datetime.date(2026, 1, 15),
        with_source=False,
    )
    OpportunityFactory(
        slug="gcap-draft", title="GCAP supplier day (draft)", status=Opportunity.Status.DRAFT, with_source=False
    )
    OpportunityFactory(
        slug="old-hub",
        kind=Opportunity.Kind.HUB,
        title="Old hub",
        status=Opportunity.Status.ARCHIVED,
        with_source=False,
    )
    return {"uav": uav, "space": space, "cyber": cyber, "call": call, "event": event, "as9100": as9100}


@pytest.fixture
def matches(records, firm_a, firm_b):
    """Firm A fits the UAV call well and the event poorly; firm B fits the UAV call moderately."""
    computed = datetime.datetime(2026, 1, 16, 3, 0, tzinfo=datetime.UTC)
    MatchFactory(
        company=firm_a,
        opportunity=records["call"],
        score=82.5,
        components={  # the engine's weights: a fit of 0.825 with every other part met
            "capability": {"value": 0.825, "contribution": 57.75},
            "eligibility": {"value": 1.0, "contribution": 9.9},
            "readiness": {"value": 1.0, "contribution": 4.95},
            "compliance": {"value": 1.0, "contribution": 4.95},
            "timing": {"value": 1.0, "contribution": 4.95},
        },
        reasons=[
            {"code": "ticked", "params": {"area": "uav"}},
            {"code": "keywords", "params": {"area": "uav", "terms": ["drone", "autonomy"]}},
        ],
        gaps=[{"code": "certifications_missing", "params": {"certifications": ["as9100d", "jis-q-9100"]}}],
        computed_at=computed,
    )
    MatchFactory(
        company=firm_a,
        opportunity=records["event"],
        score=20.0,
        eligible=False,
        reasons=["Stored before explanations were data."],
        gaps=[{"code": "low_fit", "params": {"capability": 0.2, "cap": 30}}],
        computed_at=computed,
    )
    MatchFactory(company=firm_b, opportunity=records["call"], score=60.0, computed_at=computed)


@pytest.fixture
def carol(firm_a):
    """A viewer (not an editor) at firm A."""
    user = UserFactory(username="carol")
    MembershipFactory(user=user, company=firm_a, role="viewer")
    return user


@pytest.fixture
def token_a(alice):
    """Alice's active token, as (ApiToken, raw key)."""
    return token_issue(user=alice, name="CRM sync")


@pytest.fixture
def alice_token_client(token_a):
    return bearer_client(token_a[1])


@pytest.fixture
def revoked_token_client(alice):
    token, raw = token_issue(user=alice, name="old laptop")
    token_revoke(token=token, by=alice)
    return bearer_client(raw)


@pytest.fixture
def expired_token_client(alice):
    token, raw = token_issue(user=alice, name="trial", expires_at=timezone.now() + datetime.timedelta(days=1))
    type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    return bearer_client(raw)
