"""My matches says when the scores it shows were made, and when a rescore the firm is waiting for has not ended (a
profile edit while the job queue is slow or down leaves the page showing the scores from before the edit)."""

import datetime

import pytest
from django.utils import timezone

from matching.models import MatchRun
from tests.factories import CompanyFactory, MatchFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

PAGE = "/my/matches/"
WAITING = "A rescore asked for at"


def _run(scope, *, status=MatchRun.Status.SUCCEEDED, company=None, company_ids=(), minutes_ago=0):
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    record = OpportunityFactory(slug="rescored-record") if scope == MatchRun.Scope.OPPORTUNITY else None
    run = MatchRun.objects.create(
        scope=scope, status=status, company=company, opportunity=record, company_ids=list(company_ids)
    )
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=when, finished_at=when if status == MatchRun.Status.SUCCEEDED else None
    )
    return run


def test_my_matches_says_when_its_scores_were_made(alice_client, firm_a):
    MatchFactory(company=firm_a)
    _run(MatchRun.Scope.ALL, minutes_ago=90)
    _run(MatchRun.Scope.COMPANY, company=firm_a, minutes_ago=5)

    page = alice_client.get(PAGE).content.decode()

    assert "Scores as of" in page and WAITING not in page
    newest = timezone.localtime(timezone.now() - datetime.timedelta(minutes=5))
    assert newest.strftime("%Y") in page


def test_a_rescore_the_firm_waits_for_is_named_in_both_languages(alice_client, firm_a):
    MatchFactory(company=firm_a)
    _run(MatchRun.Scope.ALL, minutes_ago=90)
    _run(MatchRun.Scope.COMPANY, company=firm_a, status=MatchRun.Status.PENDING, minutes_ago=3)

    english = alice_client.get(PAGE).content.decode()
    japanese = alice_client.get("/ja" + PAGE).content.decode()

    assert WAITING in english and "has not finished" in english
    assert "再計算" in japanese and WAITING not in japanese


@pytest.mark.parametrize(
    ("scope", "mine"),
    [
        (MatchRun.Scope.COMPANY, False),
        (MatchRun.Scope.BATCH, False),
        (MatchRun.Scope.BATCH, True),
        (MatchRun.Scope.ALL, True),
        (MatchRun.Scope.OPPORTUNITY, True),
    ],
)
def test_only_a_run_that_scores_the_firm_counts_as_waited_for(alice_client, firm_a, scope, mine):
    MatchFactory(company=firm_a)
    other = CompanyFactory(slug="other-firm")
    company = other if scope == MatchRun.Scope.COMPANY else None
    ids = [firm_a.pk if mine else other.pk] if scope == MatchRun.Scope.BATCH else []
    _run(scope, status=MatchRun.Status.RUNNING, company=company, company_ids=ids)

    assert (WAITING in alice_client.get(PAGE).content.decode()) is mine


@pytest.mark.parametrize(
    ("hour", "minute", "english", "japanese"),
    [  # Japan time said, as the record page's "Scored … (Japan time)" says it
        (
            16,
            16,
            "Scores as of 5 December 2026, 16:16 (Japan time).\n",
            "2026年12月5日16:16（日本時間）時点のスコアです。\n",
        ),
        (
            8,
            5,
            "Scores as of 5 December 2026, 8:05 (Japan time).\n",
            "2026年12月5日8:05（日本時間）時点のスコアです。\n",
        ),
        (
            12,
            0,
            "Scores as of 5 December 2026, 12:00 (Japan time).\n",
            "2026年12月5日12:00（日本時間）時点のスコアです。\n",
        ),
    ],
)
def test_the_scores_time_ends_its_sentence_with_one_full_stop(alice_client, firm_a, hour, minute, english, japanese):
    MatchFactory(company=firm_a)
    run = _run(MatchRun.Scope.ALL)
    when = timezone.make_aware(datetime.datetime(2026, 12, 5, hour, minute))  # Japan time, as the page shows it
    MatchRun.objects.filter(pk=run.pk).update(created_at=when, finished_at=when)

    page, ja_page = alice_client.get(PAGE).content.decode(), alice_client.get("/ja" + PAGE).content.decode()

    assert english in page and ".." not in page.split("Scores as of")[1].split("\n")[0]
    assert japanese in ja_page and "。。" not in ja_page
