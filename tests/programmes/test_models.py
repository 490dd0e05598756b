"""The curated records refuse bad data in the database itself, and Opportunity.clean() names the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Opportunity, OpportunityArea, Source
from tests.factories import CallFactory, EventFactory, OpportunityFactory, SourceFactory, TechnologyAreaFactory
from tests.pages import days

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _refused_by_database(**changes) -> None:
    """Write CHANGES straight to the table (no validation) and expect the database to refuse them."""
    opportunity = CallFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(**changes)


def test_database_refuses_a_call_that_closes_before_it_opens():
    _refused_by_database(opens_on=days(0), closes_on=days(0) - DAY)


def test_database_refuses_an_event_that_ends_before_it_starts():
    _refused_by_database(starts_on=days(0), ends_on=days(0) - DAY)


def test_database_refuses_a_trl_outside_one_to_nine():
    _refused_by_database(min_trl=10)


def test_database_refuses_an_unknown_status_or_kind():
    _refused_by_database(status="deleted")
    _refused_by_database(kind="rumour")


def test_database_refuses_a_duplicate_slug():
    OpportunityFactory(slug="gcap")
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.create(slug="gcap", kind="programme", title="Copy", summary="Copy")


def test_database_refuses_an_area_weight_above_one():
    opportunity, area = OpportunityFactory(), TechnologyAreaFactory(slug="quantum")
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityArea.objects.create(opportunity=opportunity, technology_area=area, weight=1.5)


def test_database_refuses_the_same_source_url_twice_for_one_opportunity():
    source = SourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(opportunity=source.opportunity, url=source.url)


def test_a_call_open_on_the_same_day_it_closes_is_allowed():
    call = CallFactory(opens_on=days(0), closes_on=days(0))
    call.full_clean()


def test_clean_names_the_closing_date_when_it_is_before_the_opening_date():
    call = CallFactory.build(slug="c", opens_on=days(0), closes_on=days(0) - DAY)
    with pytest.raises(ValidationError) as caught:
        call.full_clean()
    assert list(caught.value.message_dict) == ["closes_on"]
    assert "before the opening date" in caught.value.message_dict["closes_on"][0]


def test_clean_names_the_end_date_when_an_event_ends_before_it_starts():
    event = EventFactory.build(slug="e", starts_on=days(0), ends_on=days(0) - DAY)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert list(caught.value.message_dict) == ["ends_on"]


def test_clean_names_an_unknown_company_size():
    opportunity = OpportunityFactory.build(slug="o", eligible_sizes=["sme", "huge"])
    with pytest.raises(ValidationError) as caught:
        opportunity.full_clean()
    assert "'huge'" in caught.value.message_dict["eligible_sizes"][0]


def test_clean_names_an_unknown_country_code():
    opportunity = OpportunityFactory.build(slug="o", eligible_countries=["AU", "XX"])
    with pytest.raises(ValidationError) as caught:
        opportunity.full_clean()
    assert list(caught.value.message_dict) == ["eligible_countries"]


def test_stale_lists_published_records_not_verified_for_the_configured_days(settings):
    settings.STALE_AFTER_DAYS = 180
    old = OpportunityFactory(last_verified_on=days(0) - datetime.timedelta(days=181))
    never = OpportunityFactory(last_verified_on=None)
    OpportunityFactory(last_verified_on=days(0) - datetime.timedelta(days=180))  # exactly on the line: fresh
    OpportunityFactory(last_verified_on=None, status=Opportunity.Status.DRAFT)  # drafts are not listed anyway

    assert set(Opportunity.objects.stale()) == {old, never}


def test_with_deadline_is_an_events_first_day_and_anything_elses_closing_date(db):
    import datetime

    from programmes.models import Opportunity
    from tests.factories import CallFactory, EventFactory

    CallFactory(slug="call", closes_on=datetime.date(2027, 3, 1))
    EventFactory(slug="event", starts_on=datetime.date(2027, 2, 1), ends_on=datetime.date(2027, 2, 3))
    deadlines = dict(Opportunity.objects.with_deadline().values_list("slug", "deadline_on"))
    assert deadlines == {"call": datetime.date(2027, 3, 1), "event": datetime.date(2027, 2, 1)}
