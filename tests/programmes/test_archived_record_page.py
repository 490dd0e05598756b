"""An archived record's page answers 410 Gone, saying when it was archived and where to go next, so the links of
"The record was archived" alerts (digests, the Atom feed, webhooks, the change feed) lead somewhere; drafts stay 404."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from alerts.preferences import feed_link_issue, notification_settings_get
from alerts.webhooks import webhook_body
from portal.models import ChangeEvent
from programmes.models import Opportunity
from programmes.services import opportunity_archive
from tests.factories import CallFactory, OpportunityFactory, TechnologyAreaFactory
from workspace.services import pipeline_entry_save

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
URL = "/opportunities/aukus-ai-autonomy/"


@pytest.fixture
def archived(firm_a, alice, consultant):
    ai = TechnologyAreaFactory(slug="ai-autonomy", name="AI and autonomy", name_ja="AI・自律")
    record = OpportunityFactory(
        slug="aukus-ai-autonomy", title="AUKUS AI and autonomy", title_ja="AUKUS AI・自律",
        summary="Secret summary words.", areas=[ai],
    )  # fmt: skip
    CallFactory(slug="ai-call", title="Open AI call", title_ja="AI公募", areas=[ai])
    CallFactory(
        slug="closed-ai-call", title="Closed AI call", areas=[ai],
        opens_on=datetime.date(2019, 12, 1), closes_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    pipeline_entry_save(company=firm_a, opportunity=record, by=alice, stage="pursuing")
    opportunity_archive(opportunity=record, by=consultant, reason="Internal: the ministry dropped it quietly")
    return record


def test_an_archived_record_is_gone_and_says_when_and_where_to_go(anon_client, archived):
    response = anon_client.get(URL)
    assert response.status_code == 410
    text = response.text
    day = date_format(timezone.localdate(), "DATE_FORMAT")  # "5 December 2026", as every page writes dates
    assert "AUKUS AI and autonomy" in text and f"This record was archived on {day}." in text
    assert 'href="/opportunities/ai-call/"' in text and "Closed AI call" not in text  # current records of its area
    assert 'href="/opportunities/?technology_area=ai-autonomy"' in text
    assert "Secret summary words." not in text and "ministry dropped it" not in text  # nor the consultants' note
    assert "/workspace/" not in text


def test_the_japanese_page_is_gone_too_and_in_japanese(anon_client, archived):
    response = anon_client.get("/ja" + URL)
    assert response.status_code == 410
    day = timezone.localdate()
    assert f"この記録は{day.year}年{day.month}月{day.day}日にアーカイブされました。" in response.text
    assert 'href="/ja/opportunities/ai-call/"' in response.text and "AI公募" in response.text


def test_the_firm_that_pursued_it_is_sent_to_its_pipeline_entry(alice_client, bob_client, archived):
    page = alice_client.get(URL)
    assert page.status_code == 410
    assert 'href="/workspace/firm-a/pipeline/aukus-ai-autonomy/"' in page.text and "Pursuing" in page.text
    assert alice_client.get("/workspace/firm-a/pipeline/aukus-ai-autonomy/").status_code == 200
    assert "/workspace/" not in bob_client.get(URL).text  # another firm's pipeline is not named


def test_consultants_still_see_the_whole_archived_record(consultant_client, archived):
    response = consultant_client.get(URL)
    assert response.status_code == 200 and "Secret summary words." in response.text


def test_drafts_and_records_archived_before_publication_stay_unknown(anon_client, alice_client, consultant):
    OpportunityFactory(slug="draft-record", status=Opportunity.Status.DRAFT)
    never = OpportunityFactory(slug="never-public", status=Opportunity.Status.DRAFT)
    opportunity_archive(opportunity=never, by=consultant, reason="Not going ahead")
    for client in (anon_client, alice_client):
        assert client.get("/opportunities/draft-record/").status_code == 404
        assert client.get("/opportunities/never-public/").status_code == 404
        assert client.get("/opportunities/no-such-record/").status_code == 404


@pytest.mark.django_db(transaction=True)  # the feeds read only ended transactions' events
def test_every_channels_link_leads_to_the_archived_records_page(alice, alice_client, anon_client, settings, request):
    settings.SITE_URL = "https://kakehashi.example"
    notification_settings_get(user=alice)
    archived = request.getfixturevalue("archived")
    event = ChangeEvent.objects.get(kind="opportunity.archived", subject_id=archived.pk)

    atom = ET.fromstring(anon_client.get(f"/feeds/alerts.atom?token={feed_link_issue(user=alice)}").content)
    (entry,) = atom.findall(f"{ATOM}entry")
    assert "The record was archived." in entry.find(f"{ATOM}summary").text
    feed_item = next(i for i in alice_client.get("/api/v1/changes/").json()["results"] if i["id"] == event.pk)
    links = {
        "atom": entry.find(f"{ATOM}link").get("href"),
        "change feed": feed_item["object"]["url"],
        "webhook": webhook_body(event)["object"]["url"],
    }
    for channel, link in links.items():
        response = alice_client.get(urlsplit(link).path)
        assert response.status_code == 410, channel
        assert "This record was archived on" in response.text, channel
        assert 'href="/workspace/firm-a/pipeline/aukus-ai-autonomy/"' in response.text, channel
