"""Two saves publishing the same draft notice at once (two consultants, PostgreSQL): one notice.published event."""

import datetime
import threading

import pytest

from notices.models import Notice, NoticeSource
from notices.services import notice_save
from portal.models import ChangeEvent
from tests.concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_consultants_publishing_a_draft_notice_at_once_write_one_published_event(monkeypatch):
    notice = Notice.objects.create(slug="rules-2027", title="Rules", summary="s", dated_on=datetime.date(2026, 11, 1))
    NoticeSource.objects.create(notice=notice, url="https://www.meti.go.jp/")
    both_read = threading.Barrier(2, timeout=5)
    full_clean = Notice.full_clean

    def full_clean_after_the_other_read(self, *args, **kwargs):  # each save has read the stored status by now
        try:
            both_read.wait()
        except threading.BrokenBarrierError:
            pass  # the other save waits on the lock: it reads once this one commits
        return full_clean(self, *args, **kwargs)

    monkeypatch.setattr(Notice, "full_clean", full_clean_after_the_other_read)

    def publish() -> None:
        draft = Notice.objects.get(pk=notice.pk)
        draft.status = Notice.Status.PUBLISHED
        notice_save(notice=draft, by=None, reason="Published")

    at_once(publish)

    assert ChangeEvent.objects.filter(kind="notice.published", subject_id=notice.pk).count() == 1
