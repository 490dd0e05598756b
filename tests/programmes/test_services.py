"""Curation services: every write is validated, recorded with who and why, and never half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from programmes.models import Opportunity, OpportunityArea, Source
from programmes.services import (
    opportunity_archive,
    opportunity_area_set,
    opportunity_areas_set,
    opportunity_create,
    opportunity_publish,
    opportunity_update,
    opportunity_verify,
    validation_error_text,
)
from programmes.source_models import accessed_on_check
from programmes.source_services import source_add, source_remove
from tests.factories import OpportunityFactory, OrganisationFactory, SourceFactory, TechnologyAreaFactory
from tests.pages import days

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def rescored(rescores):
    """The opportunities whose rescore was asked for: one pending run each, enqueued when the caller commits."""

    def opportunity_ids() -> list[int]:
        assert len(rescores.enqueues) == len(rescores.targets())  # one enqueue per run
        return [target for scope, target in rescores.targets() if scope == "opportunity"]

    return opportunity_ids


@pytest.fixture
def draft(db):
    return OpportunityFactory(slug="gcap-supply-chain", status=Opportunity.Status.DRAFT, with_source=False)


def _call_data(**overrides):
    data = {"slug": "isti-2026", "kind": Opportunity.Kind.CALL, "title": "ISTI call 2026", "summary": "Funding."}
    return data | overrides


def _refused(field: str, **overrides) -> ValidationError:
    """Create with OVERRIDES, expect a refusal naming FIELD, and check nothing was written."""
    before = Opportunity.objects.count()
    with pytest.raises(ValidationError) as caught:
        opportunity_create(data=_call_data(**overrides), by=None, reason="test")
    assert field in caught.value.message_dict
    assert Opportunity.objects.count() == before
    return caught.value


# --- create and update ---------------------------------------------------------------------------------


def test_a_new_opportunity_is_a_draft_with_a_history_row_naming_its_author(consultant):
    opportunity = opportunity_create(data=_call_data(), by=consultant, reason="From the ISTI notice")

    assert opportunity.status == Opportunity.Status.DRAFT
    row = opportunity.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("+", consultant, "From the ISTI notice")


def test_create_sets_organisations_and_area_weights_in_one_go(consultant):
    meti, quantum, space = OrganisationFactory(slug="meti"), TechnologyAreaFactory(), TechnologyAreaFactory()

    opportunity = opportunity_create(
        data=_call_data(organisations=[meti], areas={quantum: 1.0, space: 0.4}), by=consultant, reason="New"
    )

    assert list(opportunity.organisations.all()) == [meti]
    assert dict(opportunity.area_links.values_list("technology_area__slug", "weight")) == {
        quantum.slug: 1.0,
        space.slug: 0.4,
    }
    latest = opportunity.history.latest()
    assert [org.organisation_id for org in latest.organisations.all()] == [meti.pk]
    assert all(row.history_user == consultant for row in opportunity.history.all())


def test_closing_before_opening_is_refused_naming_the_closing_date():
    error = _refused("closes_on", opens_on=days(0), closes_on=days(0) - DAY)
    assert "closing date is before the opening date" in validation_error_text(error)


@pytest.mark.parametrize("field", ["opens_on", "closes_on", "expected_until"])
def test_a_date_outside_1990_to_2100_is_refused_naming_its_field(field):
    overrides = {field: datetime.date(9999, 12, 31)}
    if field == "expected_until":
        overrides |= {"expected_from": days(0), "expected_basis": "from the 2025 edition"}
    assert "Give a date from 1990-01-01 to 2100-12-31." in validation_error_text(_refused(field, **overrides))


def test_an_event_ending_before_it_starts_is_refused_naming_the_end_date():
    _refused("ends_on", kind=Opportunity.Kind.EVENT, starts_on=days(0), ends_on=days(0) - DAY)


def test_an_unknown_country_code_is_refused():
    _refused("eligible_countries", eligible_countries=["AU", "ZZ"])


def test_an_unknown_company_size_is_refused():
    _refused("eligible_sizes", eligible_sizes=["startup", "megacorp"])


def test_a_duplicate_slug_is_refused():
    OpportunityFactory(slug="isti-2026")
    _refused("slug")


def test_an_area_weight_outside_zero_to_one_is_refused_and_nothing_is_saved():
    _refused("technology_areas", areas={TechnologyAreaFactory(): 1.5})
    assert not OpportunityArea.objects.exists()


def test_status_cannot_be_set_by_editing():
    _refused("status", status=Opportunity.Status.PUBLISHED)


def test_update_records_before_and_after_with_who_and_why(consultant, draft):
    opportunity_update(opportunity=draft, data={"title": "GCAP: supply chain"}, by=consultant, reason="Typo")

    new, old = draft.history.all()[:2]
    delta = new.diff_against(old)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", draft.history.earliest().title, draft.title)]
    assert (new.history_user, new.history_change_reason) == (consultant, "Typo")


def test_update_records_organisation_changes_in_the_same_row(consultant, draft):
    mod = OrganisationFactory(slug="mod")
    rows = draft.history.count()

    opportunity_update(opportunity=draft, data={"organisations": [mod]}, by=consultant, reason="Run by MOD")

    assert draft.history.count() == rows + 1
    new, old = draft.history.all()[:2]
    assert "organisations" in new.diff_against(old).changed_fields


def test_linking_a_related_record_alone_writes_no_history_row_naming_nothing(consultant, draft):
    other = OpportunityFactory(title="GCAP")
    rows = draft.history.count()

    opportunity_update(opportunity=draft, data={"related": [other]}, by=consultant, reason="See also GCAP")

    assert list(draft.related.all()) == [other]
    assert draft.history.count() == rows  # the history snapshots no related records: a row would name no change


def test_a_refused_update_changes_nothing(consultant, draft):
    area = TechnologyAreaFactory()
    rows = draft.history.count()

    with pytest.raises(ValidationError):
        opportunity_update(
            opportunity=draft,
            data={"opens_on": days(0), "closes_on": days(0) - DAY, "areas": {area: 1.0}},
            by=consultant,
            reason="Bad dates",
        )

    draft.refresh_from_db()
    assert (draft.opens_on, draft.closes_on) == (None, None)
    assert not draft.area_links.exists()
    assert draft.history.count() == rows


def test_changing_a_published_opportunity_queues_its_rescoring(consultant, rescored):
    published = OpportunityFactory()
    opportunity_update(opportunity=published, data={"summary": "Changed."}, by=consultant, reason="Clarified")
    assert rescored() == [published.pk]


def test_changing_a_draft_does_not_rescore(consultant, draft, rescored):
    opportunity_update(opportunity=draft, data={"summary": "Changed."}, by=consultant, reason="Clarified")
    assert rescored() == []


def test_area_weights_can_be_replaced_or_set_one_by_one(consultant, rescored):
    published, cyber, quantum = OpportunityFactory(), TechnologyAreaFactory(), TechnologyAreaFactory()

    opportunity_areas_set(opportunity=published, weights={cyber: 0.5}, by=consultant)
    opportunity_area_set(opportunity=published, area=quantum, weight=0.8, by=consultant, reason="Also quantum")

    weights = dict(published.area_links.values_list("technology_area", "weight"))
    assert weights == {cyber.pk: 0.5, quantum.pk: 0.8}
    assert published.history.latest().history_change_reason == "Also quantum"
    assert rescored() == [published.pk]  # the second change reuses the waiting run


# --- publish, archive, verify --------------------------------------------------------------------------------


def test_publishing_without_a_source_is_refused_and_the_draft_stays_a_draft(consultant, draft, rescored):
    rows = draft.history.count()

    with pytest.raises(ValidationError) as caught:
        opportunity_publish(opportunity=draft, by=consultant)

    assert "sources" in caught.value.message_dict
    assert draft.status == Opportunity.Status.DRAFT
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT
    assert draft.history.count() == rows
    assert rescored() == []


def test_publishing_records_who_and_why_and_queues_rescoring(consultant, draft, rescored):
    SourceFactory(opportunity=draft)

    opportunity_publish(opportunity=draft, by=consultant, reason="Checked against the MOD page")

    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.PUBLISHED
    new, old = draft.history.all()[:2]
    assert [(c.field, c.old, c.new) for c in new.diff_against(old).changes] == [("status", "draft", "published")]
    assert (new.history_user, new.history_change_reason) == (consultant, "Checked against the MOD page")
    assert rescored() == [draft.pk]


def test_publishing_enqueues_the_rescore_only_when_the_transaction_commits(
    consultant, draft, django_capture_on_commit_callbacks
):
    SourceFactory(opportunity=draft)
    with django_capture_on_commit_callbacks() as callbacks:
        opportunity_publish(opportunity=draft, by=consultant)
    # The rescore, and the generation bump that retires cached API answers (portal.generations).
    assert len(callbacks) == 2


def test_publishing_an_invalid_record_is_refused_naming_the_field(consultant, draft):
    SourceFactory(opportunity=draft)
    Opportunity.objects.filter(pk=draft.pk).update(eligible_sizes=["giant"])  # e.g. a hand-edited fixture
    draft.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        opportunity_publish(opportunity=draft, by=consultant)

    assert "eligible_sizes" in caught.value.message_dict
    assert Opportunity.objects.get(pk=draft.pk).status == Opportunity.Status.DRAFT


def test_publishing_twice_changes_nothing(consultant, rescored):
    published = OpportunityFactory()
    rows = published.history.count()
    opportunity_publish(opportunity=published, by=consultant)
    assert published.history.count() == rows
    assert rescored() == []


def test_archiving_needs_a_reason(consultant):
    published = OpportunityFactory()
    with pytest.raises(ValidationError) as caught:
        opportunity_archive(opportunity=published, by=consultant, reason="  ")
    assert "reason" in caught.value.message_dict
    published.refresh_from_db()
    assert published.status == Opportunity.Status.PUBLISHED


def test_archiving_a_published_record_hides_it_and_rescores(consultant, rescored):
    published = OpportunityFactory()

    opportunity_archive(opportunity=published, by=consultant, reason="DSEI Japan 2023 is over")

    assert not Opportunity.objects.published().filter(pk=published.pk).exists()
    row = published.history.latest()
    assert (row.status, row.history_user, row.history_change_reason) == (
        "archived",
        consultant,
        "DSEI Japan 2023 is over",
    )
    assert rescored() == [published.pk]


def test_verifying_marks_today_and_the_verifier(consultant):
    stale = OpportunityFactory(last_verified_on=days(0) - datetime.timedelta(days=400))
    assert Opportunity.objects.stale().filter(pk=stale.pk).exists()

    opportunity_verify(opportunity=stale, by=consultant)

    stale.refresh_from_db()
    assert (stale.last_verified_on, stale.last_verified_by) == (days(0), consultant)
    assert not Opportunity.objects.stale().filter(pk=stale.pk).exists()
    new, old = stale.history.all()[:2]
    assert set(new.diff_against(old).changed_fields) == {"last_verified_on", "last_verified_by"}
    assert new.history_user == consultant


def test_verifying_on_a_given_day_but_not_in_the_future(consultant):
    opportunity = OpportunityFactory(last_verified_on=None)
    opportunity_verify(opportunity=opportunity, by=consultant, on=days(0) - DAY)
    assert opportunity.last_verified_on == days(0) - DAY

    with pytest.raises(ValidationError) as caught:
        opportunity_verify(opportunity=opportunity, by=consultant, on=days(0) + DAY)
    assert "last_verified_on" in caught.value.message_dict
    opportunity.refresh_from_db()
    assert opportunity.last_verified_on == days(0) - DAY


# --- sources -----------------------------------------------------------------------------------------------


def test_adding_a_source_records_who_and_why(consultant, draft):
    source = source_add(
        opportunity=draft,
        data={"url": "https://www.mod.go.jp/", "publisher": "MOD", "accessed_on": days(0)},
        by=consultant,
        reason="Official page",
    )
    row = source.history.get()
    assert (row.history_user, row.history_change_reason) == (consultant, "Official page")


def test_a_source_accessed_after_today_is_refused_naming_the_field(consultant, draft):
    with pytest.raises(ValidationError) as caught:
        source_add(
            opportunity=draft, data={"url": "https://www.mod.go.jp/", "accessed_on": days(0) + 2 * DAY}, by=consultant
        )
    assert list(caught.value.message_dict) == ["accessed_on"]
    assert "cannot be after today" in validation_error_text(caught.value)
    assert not draft.sources.exists()

    source = source_add(
        opportunity=draft, data={"url": "https://www.mod.go.jp/", "accessed_on": days(0)}, by=consultant
    )
    assert source.accessed_on == days(0)


def test_the_same_source_url_twice_is_refused_naming_the_url(consultant):
    source = SourceFactory()
    with pytest.raises(ValidationError) as caught:
        source_add(opportunity=source.opportunity, data={"url": source.url}, by=consultant)
    assert list(caught.value.message_dict) == ["url"]


def test_a_malformed_source_url_is_refused(consultant, draft):
    with pytest.raises(ValidationError) as caught:
        source_add(opportunity=draft, data={"url": "not a url"}, by=consultant)
    assert "url" in caught.value.message_dict
    assert not Source.objects.filter(opportunity=draft).exists()


def test_the_last_source_of_a_published_record_cannot_be_removed(consultant):
    published = OpportunityFactory()
    (only,) = published.sources.all()

    with pytest.raises(ValidationError) as caught:
        source_remove(source=only, by=consultant, reason="Dead link")

    assert "sources" in caught.value.message_dict
    assert published.sources.count() == 1


def test_removing_a_source_is_recorded(consultant):
    published = OpportunityFactory()
    extra = SourceFactory(opportunity=published)
    extra_pk = extra.pk

    source_remove(source=extra, by=consultant, reason="Dead link")

    row = Source.history.filter(id=extra_pk).latest()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("-", consultant, "Dead link")


def test_a_record_whose_sources_are_all_low_must_be_low_to_be_published_or_to_keep_them(consultant):
    from programmes.services import opportunity_publish
    from programmes.source_services import source_update

    draft = OpportunityFactory(status=Opportunity.Status.DRAFT, confidence="high")
    draft.sources.update(confidence="low")
    SourceFactory(opportunity=draft, confidence="low")

    with pytest.raises(ValidationError) as refused:
        opportunity_publish(opportunity=draft, by=consultant)
    assert list(refused.value.message_dict) == ["confidence"]
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT

    published = OpportunityFactory(confidence="high")
    (source,) = published.sources.all()
    with pytest.raises(ValidationError):
        source_update(source=source, data={"confidence": "low"}, by=consultant)
    source.refresh_from_db()
    assert source.confidence != "low"


def test_verifying_again_the_same_day_is_recorded_with_its_reason(consultant):
    opportunity = OpportunityFactory(last_verified_on=None)
    opportunity_verify(opportunity=opportunity, by=consultant)
    rows = opportunity.history.count()

    opportunity_verify(opportunity=opportunity, by=consultant, reason="Checked the new call page too")

    assert opportunity.history.count() == rows + 1
    assert opportunity.history.latest().history_change_reason == "Checked the new call page too"


def test_an_update_that_changes_nothing_writes_no_row_sends_no_event_and_asks_no_rescore(consultant, rescored):
    published = OpportunityFactory(summary="Funding.")
    rows = published.history.count()

    opportunity_update(opportunity=published, data={"summary": "Funding."}, by=consultant, reason="Checked")

    assert published.history.count() == rows
    assert rescored() == []


@pytest.mark.parametrize(
    ("utc", "read_on", "refused"),
    [
        # 14:30 UTC: 23:30 on 4 December in Tokyo, 01:30 on 5 December in Sydney (summer time, UTC+11).
        ("2026-12-04T14:30:00+00:00", datetime.date(2026, 12, 5), False),
        ("2026-12-04T14:30:00+00:00", datetime.date(2026, 12, 6), True),
        # 09:00 UTC: 4 December everywhere but the Line Islands' 23:00.
        ("2026-12-04T09:00:00+00:00", datetime.date(2026, 12, 4), False),
        ("2026-12-04T09:00:00+00:00", datetime.date(2026, 12, 5), True),
    ],
)
def test_a_consultant_ahead_of_tokyo_may_give_their_own_today(monkeypatch, utc, read_on, refused):
    now = datetime.datetime.fromisoformat(utc)
    monkeypatch.setattr("programmes.source_models.timezone.now", lambda: now)
    if refused:
        with pytest.raises(ValidationError) as caught:
            accessed_on_check(read_on)
        assert list(caught.value.message_dict) == ["accessed_on"]
    else:
        accessed_on_check(read_on)


def test_a_published_priority_area_keeps_at_least_one_technology_area(consultant):
    quantum = TechnologyAreaFactory(slug="quantum")
    priority = OpportunityFactory(kind=Opportunity.Kind.PRIORITY_AREA, areas=[quantum])

    with pytest.raises(ValidationError) as refused:
        opportunity_areas_set(opportunity=priority, weights={}, by=consultant)

    assert "technology_areas" in refused.value.message_dict
    assert list(priority.area_links.values_list("technology_area__slug", flat=True)) == ["quantum"]


def test_a_priority_area_without_a_technology_area_cannot_be_published(consultant):
    draft = OpportunityFactory(kind=Opportunity.Kind.PRIORITY_AREA, status=Opportunity.Status.DRAFT)

    with pytest.raises(ValidationError) as refused:
        opportunity_publish(opportunity=draft, by=consultant)

    assert "technology_areas" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


def test_a_firm_age_limit_of_zero_years_is_refused_naming_the_field(consultant):
    scheme = OpportunityFactory(max_company_age=5)

    with pytest.raises(ValidationError) as refused:
        opportunity_update(opportunity=scheme, data={"max_company_age": 0}, by=consultant, reason="typo")

    assert refused.value.message_dict == {"max_company_age": ["Ensure this value is greater than or equal to 1."]}
    scheme.refresh_from_db()
    assert scheme.max_company_age == 5
