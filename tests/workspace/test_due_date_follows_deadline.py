"""An entry's due date starts on the record's deadline; when a curator moves the deadline, an entry still due on the
old one follows it (with a history row saying why), so the firm's calendar never shows a due date after the record
has closed. A due date the firm chose for itself stays."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import override

from programmes.services import opportunity_update
from tests.factories import CallFactory, EventFactory
from workspace.models import PipelineEntry
from workspace.selectors import pipeline_entry_history
from workspace.services import pipeline_entry_save

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OLD, NEW = TODAY + datetime.timedelta(days=30), TODAY + datetime.timedelta(days=12)


@pytest.fixture
def call():
    return CallFactory(slug="usv-call", title="Small USV call", closes_on=OLD)


def test_a_due_date_left_on_the_deadline_moves_with_it(alice, alice_client, consultant, firm_a, call):
    entry = pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="pursuing")
    assert entry.due_on == OLD

    opportunity_update(opportunity=call, data={"closes_on": NEW}, by=consultant, reason="Deadline brought forward")

    entry.refresh_from_db()
    assert entry.due_on == NEW
    feed = alice_client.get("/calendar/firm-a.ics").text.replace("\r\n ", "")
    assert f"DTSTART;VALUE=DATE:{OLD:%Y%m%d}" not in feed  # no "Due:" after the call has closed
    page = alice_client.get("/workspace/firm-a/pipeline/usv-call/").text
    assert "the due date followed the record&#x27;s new deadline" in page
    with override("ja"):
        said = pipeline_entry_history(entry=entry, limit=1)[0].changes_said
    assert "期日が案件の新しい締切に合わせて移動しました" in said


def test_a_due_date_the_firm_chose_stays(alice, consultant, firm_a, call):
    own = TODAY + datetime.timedelta(days=20)
    entry = pipeline_entry_save(company=firm_a, opportunity=call, by=alice, stage="preparing", due_on=own)

    opportunity_update(opportunity=call, data={"closes_on": NEW}, by=consultant, reason="Deadline brought forward")

    entry.refresh_from_db()
    assert entry.due_on == own
    assert entry.history.count() == 1


def test_an_events_first_day_is_its_deadline(alice, consultant, firm_a):
    event = EventFactory(slug="expo", starts_on=OLD, ends_on=OLD + datetime.timedelta(days=2))
    pipeline_entry_save(company=firm_a, opportunity=event, by=alice, stage="watching")

    dates = {"starts_on": NEW, "ends_on": NEW + datetime.timedelta(days=2)}
    opportunity_update(opportunity=event, data=dates, by=consultant, reason="Dates announced")

    assert PipelineEntry.objects.get(opportunity=event).due_on == NEW
