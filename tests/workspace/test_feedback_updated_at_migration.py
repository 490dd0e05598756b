"""Feedback given before `updated_at` existed reads as last changed when it was given (workspace 0004)."""

import datetime

import pytest

from tests.migrations import migrate_back, migrate_to

BEFORE = [("workspace", "0003_feedback_marks_shared")]
AFTER = [("workspace", "0004_feedback_updated_at")]


@pytest.mark.django_db(transaction=True)
def test_feedback_given_before_the_field_was_last_changed_when_it_was_given():
    apps = migrate_to(BEFORE)
    Company, Opportunity = apps.get_model("companies", "Company"), apps.get_model("programmes", "Opportunity")
    company = Company.objects.create(slug="ocius", name="Ocius", country="AU", size="sme")
    record = Opportunity.objects.create(slug="usv-call", title="USV", kind="call")
    OldFeedback = apps.get_model("workspace", "MatchFeedback")
    OldFeedback.objects.create(company=company, opportunity=record, reason="too_early")
    given = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    OldFeedback.objects.update(created_at=given)  # auto_now_add stamps the row; the given time is set after
    try:
        feedback = migrate_to(AFTER).get_model("workspace", "MatchFeedback").objects.get()
        assert (feedback.created_at, feedback.updated_at) == (given, given)
    finally:
        migrate_back()
