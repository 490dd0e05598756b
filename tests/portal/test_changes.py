"""The change-event log: written with the change, paged by an opaque cursor that never skips or repeats."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from portal.changes import CursorError, change_record, changes_after, cursor_decode, cursor_encode, field_changes
from portal.models import ChangeEvent

pytestmark = pytest.mark.django_db


def _event(n: int) -> ChangeEvent:
    changes = {"n": {"new": n}}
    return change_record(kind="opportunity.changed", subject_type="opportunity", subject_id=n, changes=changes)


def _page_through(limit: int) -> list[int]:
    seen, cursor = [], ""
    while page := changes_after(ChangeEvent.objects.all(), cursor, limit=limit):
        seen += [event.subject_id for event in page]
        cursor = cursor_encode(page[-1])
    return seen


def test_an_event_rolls_back_with_the_change_that_caused_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        _event(1)
        raise RuntimeError("the change failed")
    assert not ChangeEvent.objects.exists()


@pytest.mark.django_db(transaction=True)  # committed, as a reader on PostgreSQL needs them to be
def test_paging_by_cursor_returns_every_event_once_in_order():
    for n in range(1, 8):
        _event(n)
    assert _page_through(limit=3) == [1, 2, 3, 4, 5, 6, 7]


def test_the_cursor_is_opaque_and_a_foreign_one_is_refused():
    cursor = cursor_encode(_event(1))
    assert str(_event(2).pk) not in cursor or not cursor.isdigit()
    assert cursor_decode(cursor)[1] >= 1
    for bad in ["not-a-cursor!", "MTIz", "LTEuNQ"]:
        with pytest.raises(CursorError):
            cursor_decode(bad)


def test_field_changes_lists_only_what_differs():
    old = {"deadline": "2027-01-10", "venue": "Makuhari", "status": "published"}
    new = {"deadline": "2027-02-01", "venue": "Makuhari", "status": "published"}
    assert field_changes(old, new, ["deadline", "venue", "status"]) == {
        "deadline": {"old": "2027-01-10", "new": "2027-02-01"}
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_event_committed_late_is_not_skipped_by_a_reader_who_paged_past_it():
    """A transaction takes its id, a later one commits first: the reader must not see the later one before both end."""
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL")
    _event(1)
    holding, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                _event(2)  # its id is taken now, its commit comes last
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    holding.wait(10)
    _event(3)  # committed while 2 is still open
    first = changes_after(ChangeEvent.objects.all(), "", limit=10)
    assert 3 not in [event.subject_id for event in first]  # 3 waits until 2 has ended
    release.set()
    writer.join()
    seen = [event.subject_id for event in first]
    cursor = cursor_encode(first[-1]) if first else ""
    deadline = time.monotonic() + 30  # other sessions on the server may hold the horizon a moment
    while len(seen) < 3 and time.monotonic() < deadline:
        page = changes_after(ChangeEvent.objects.all(), cursor, limit=10)
        if page:
            seen += [event.subject_id for event in page]
            cursor = cursor_encode(page[-1])
        else:
            time.sleep(0.2)
    assert sorted(seen) == [1, 2, 3]
