"""Finding 6 of issue 17: public pages show neither hidden related records nor who changed a record and why."""

import pytest

from companies.services import company_update
from programmes.models import Opportunity
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

REASON = "Per call with Col. Tanaka: budget cut, keep quiet"


@pytest.fixture
def published(consultant):
    record = OpportunityFactory(slug="public-record", title="Public record")
    record.related.add(
        OpportunityFactory(slug="secret-draft", title="Secret draft programme", status=Opportunity.Status.DRAFT),
        OpportunityFactory(slug="old-one", title="Archived programme", status=Opportunity.Status.ARCHIVED),
        OpportunityFactory(slug="sister", title="Sister programme"),
    )
    record.summary = "Budget moved to FY2027."
    record._change_reason = REASON
    record.save()
    row = record.history.first()
    row.history_user = consultant
    row.save()
    return record


def test_anonymous_visitors_and_firm_staff_see_only_published_related_records(anon_client, alice_client, published):
    for client in (anon_client, alice_client):
        text = client.get("/opportunities/public-record/").content.decode()

        assert "Sister programme" in text
        assert "Secret draft programme" not in text
        assert "Archived programme" not in text


def test_consultants_still_see_every_related_record(consultant_client, published):
    text = consultant_client.get("/opportunities/public-record/").content.decode()

    assert "Secret draft programme" in text
    assert "Archived programme" in text


def test_public_history_says_what_changed_and_when_but_not_who_or_why(anon_client, alice_client, published):
    for client in (anon_client, alice_client):
        text = client.get("/opportunities/public-record/").content.decode()

        assert "<td>Changed</td><td>Summary</td>" in text
        assert REASON not in text
        assert "<td>consultant</td>" not in text


def test_consultants_see_who_changed_a_record_and_why(consultant_client, published):
    text = consultant_client.get("/opportunities/public-record/").content.decode()

    assert f"<td>consultant</td><td>{REASON}</td>" in text


def test_firm_staff_see_their_profile_changes_without_the_consultants_name_or_reason(
    alice_client, consultant_client, consultant, firm_a
):
    company_update(company=firm_a, data={"trl": 8}, by=consultant, reason="Checked with their CTO, see CRM #42")

    staff = alice_client.get("/companies/firm-a/").content.decode()
    curated = consultant_client.get("/companies/firm-a/").content.decode()

    assert "Changed: TRL" in staff
    assert "CRM #42" not in staff
    assert "(consultant)" not in staff
    assert "CRM #42" in curated
    assert "(consultant)" in curated
