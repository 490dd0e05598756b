"""Consultants curate in the admin through the services; company staff never get in."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.forms import ModelMultipleChoiceField, MultipleChoiceField
from django.urls import reverse

from programmes.models import Opportunity, OpportunityArea, Source
from programmes.services import opportunity_update
from tests.factories import (
    CallFactory,
    OpportunityFactory,
    OrganisationFactory,
    SourceFactory,
    TechnologyAreaFactory,
    UserFactory,
)
from tests.pages import days

pytestmark = pytest.mark.django_db


CHANGELIST = "admin:programmes_opportunity_changelist"


def _change_url(opportunity: Opportunity) -> str:
    return reverse("admin:programmes_opportunity_change", args=[opportunity.pk])


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_data(response) -> dict:
    """The POST body a browser would send back for the change form in RESPONSE, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = _value(field)
            empty_multiple = value in ("", []) and isinstance(
                field.field, MultipleChoiceField | ModelMultipleChoiceField
            )
            if value == "False" or empty_multiple:
                continue
            data[field.html_name] = value
    return data


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _run_action(client, action: str, records, follow: bool = True, **extra):
    data = {"action": action, "_selected_action": [record.pk for record in records], **extra}
    return client.post(reverse(CHANGELIST), data, follow=follow)


# --- who gets in -------------------------------------------------------------------------------------


def test_company_staff_are_sent_to_the_admin_login(alice_client):
    response = alice_client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_company_staff_cannot_change_a_record_by_posting(alice_client):
    opportunity = OpportunityFactory(title="GCAP")
    response = alice_client.post(_change_url(opportunity), {"title": "Hijacked"})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "GCAP"


def test_anonymous_visitors_are_sent_to_the_admin_login(anon_client):
    response = anon_client.get(reverse(CHANGELIST))
    assert response.status_code == 302


def test_staff_who_are_not_consultants_cannot_see_the_records(client):
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(_change_url(OpportunityFactory())).status_code == 403


def test_a_consultant_cannot_delete_records_only_archive_them(consultant_client):
    opportunity = OpportunityFactory()
    response = consultant_client.post(
        reverse("admin:programmes_opportunity_delete", args=[opportunity.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


# --- editing ------------------------------------------------------------------------------------------


def test_a_consultant_edits_a_record_and_the_history_names_them_and_the_reason(consultant, consultant_client):
    opportunity = OpportunityFactory(title="GCAP", status=Opportunity.Status.DRAFT)
    data = _form_data(consultant_client.get(_change_url(opportunity)))
    data |= {"title": "Global Combat Air Programme", "change_reason": "Full name"}

    response = consultant_client.post(_change_url(opportunity), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    opportunity.refresh_from_db()
    assert opportunity.title == "Global Combat Air Programme"
    row = opportunity.history.latest()
    assert (row.history_user, row.history_change_reason) == (consultant, "Full name")
    assert row.diff_against(row.prev_record).changed_fields == ["title"]


def test_editing_a_published_record_queues_its_rescoring(consultant_client, rescores):
    opportunity = OpportunityFactory()
    data = _form_data(consultant_client.get(_change_url(opportunity))) | {"summary": "Clearer."}

    assert consultant_client.post(_change_url(opportunity), data).status_code == 302
    assert rescores.targets() == [("opportunity", opportunity.pk)] and len(rescores.enqueues) == 1


def test_a_consultant_adds_a_record_with_its_source_and_area_weights(consultant, consultant_client):
    quantum, meti = TechnologyAreaFactory(slug="quantum"), OrganisationFactory(slug="meti")
    data = _form_data(consultant_client.get(reverse("admin:programmes_opportunity_add")))
    data |= {
        "slug": "k-program",
        "kind": "programme",
        "title": "K Program",
        "summary": "Dual-use R&D funding.",
        "organisations": [str(meti.pk)],
        "eligible_sizes": ["startup", "sme"],
        "area_links-0-technology_area": str(quantum.pk),
        "area_links-0-weight": "0.7",
        "sources-0-url": "https://www.jst.go.jp/kisoken/kpro/",
        "sources-0-publisher": "JST",
        "sources-0-confidence": "high",
        "change_reason": "New programme",
    }

    response = consultant_client.post(reverse("admin:programmes_opportunity_add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    opportunity = Opportunity.objects.get(slug="k-program")
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.eligible_sizes == ["startup", "sme"]
    assert list(opportunity.organisations.all()) == [meti]
    assert list(OpportunityArea.objects.filter(opportunity=opportunity).values_list("weight", flat=True)) == [0.7]
    source = opportunity.sources.get()
    assert source.history.get().history_user == consultant
    assert {row.history_change_reason for row in opportunity.history.all()} == {"New programme"}


def test_a_closing_date_before_the_opening_date_is_shown_on_the_field(consultant_client):
    call = CallFactory(title="ISTI call")
    data = _form_data(consultant_client.get(_change_url(call)))
    data |= {"opens_on": "2026-12-01", "closes_on": "2026-11-01"}

    response = consultant_client.post(_change_url(call), data)

    assert response.status_code == 200
    assert "closes_on" in response.context["adminform"].form.errors
    call.refresh_from_db()
    assert call.closes_on != datetime.date(2026, 11, 1)


def test_a_closing_date_typed_as_9999_is_refused_on_the_field_and_the_calendar_still_answers(
    consultant_client, anon_client
):
    call = CallFactory(title="ISTI call")
    kept = call.closes_on
    data = _form_data(consultant_client.get(_change_url(call)))
    data |= {"closes_on": "9999-12-31"}

    response = consultant_client.post(_change_url(call), data)

    assert response.status_code == 200
    assert "from 1990-01-01 to 2100-12-31" in str(response.context["adminform"].form.errors["closes_on"])
    call.refresh_from_db()
    assert call.closes_on == kept
    assert anon_client.get("/calendar.ics").status_code == 200


def test_the_last_source_of_a_published_record_cannot_be_deleted_in_the_form(consultant_client):
    opportunity = OpportunityFactory()
    data = _form_data(consultant_client.get(_change_url(opportunity))) | {"sources-0-DELETE": "on"}

    response = consultant_client.post(_change_url(opportunity), data)

    assert response.status_code == 200
    assert "keeps at least one source" in response.content.decode()
    assert opportunity.sources.count() == 1


def test_a_source_deleted_in_the_form_with_no_reason_is_named_in_the_history(consultant_client):
    opportunity = OpportunityFactory()
    SourceFactory(opportunity=opportunity, url="https://example.org/old", title="Old page")
    data = _form_data(consultant_client.get(_change_url(opportunity)))
    old = next(key.split("-")[1] for key, value in data.items() if value == "https://example.org/old")

    response = consultant_client.post(_change_url(opportunity), data | {f"sources-{old}-DELETE": "on"})

    assert response.status_code == 302
    removed = Source.history.filter(url="https://example.org/old", history_type="-").get()
    assert removed.history_change_reason == "Edited in the admin: deleted source “Old page”"


def test_reverting_from_history_is_refused(consultant_client):
    opportunity = OpportunityFactory()
    row = opportunity.history.earliest()
    url = reverse("admin:programmes_opportunity_simple_history", args=[opportunity.pk, row.history_id])
    assert consultant_client.post(url, {}).status_code == 403


def test_the_history_page_shows_who_changed_what_and_why(consultant, consultant_client):
    opportunity = OpportunityFactory(title="DSEI Japan")
    data = _form_data(consultant_client.get(_change_url(opportunity)))
    consultant_client.post(_change_url(opportunity), data | {"title": "DSEI Japan 2025", "change_reason": "Year"})

    response = consultant_client.get(reverse("admin:programmes_opportunity_history", args=[opportunity.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "DSEI Japan 2025" in page and "Year" in page and consultant.username in page


def test_the_history_page_links_who_changed_it_only_for_readers_who_may_open_user_pages(consultant, client):
    opportunity = OpportunityFactory(title="DSEI Japan")
    opportunity_update(opportunity=opportunity, data={"title": "DSEI Japan 2025"}, by=consultant, reason="Year")
    history = reverse("admin:programmes_opportunity_history", args=[opportunity.pk])
    user_page = reverse("admin:auth_user_change", args=[consultant.pk])

    client.force_login(consultant)  # a consultant holds no permission on users: the link would be a 403
    page = client.get(history).content.decode()
    assert client.get(user_page).status_code == 403
    assert consultant.username in page and user_page not in page and f">{consultant}</a>" not in page

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(history).content.decode()
    assert f'<a href="{user_page}">{consultant}</a>' in page


def test_a_records_page_names_who_verified_it_without_a_link_consultants_could_not_open(consultant, client):
    from programmes.services import opportunity_verify

    opportunity = OpportunityFactory(title="DSEI Japan")
    opportunity_verify(opportunity=opportunity, by=consultant)
    user_page = reverse("admin:auth_user_change", args=[consultant.pk])
    client.force_login(consultant)

    page = client.get(_change_url(opportunity)).content.decode()

    assert page.count(consultant.username) >= 1 and user_page not in page


# --- actions ------------------------------------------------------------------------------------------


def test_publishing_asks_for_a_reason_first(consultant_client):
    draft = OpportunityFactory(status=Opportunity.Status.DRAFT)

    response = _run_action(consultant_client, "publish", [draft])

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert "Optional: without one, the history names the action" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


def test_archive_and_verify_confirmation_pages_ask_for_the_reason_in_english(consultant_client):
    record = OpportunityFactory(title="GCAP", last_verified_on=datetime.date(2026, 12, 4))

    for action in ("archive", "mark_verified"):
        page = _run_action(consultant_client, action, [record]).content.decode()

        assert "Reason for this change:" in page
        assert "GCAP (Published, verified 4 December 2026)" in page


def test_publishing_through_the_action_records_who_and_why(consultant, consultant_client):
    draft = OpportunityFactory(status=Opportunity.Status.DRAFT)

    response = _run_action(consultant_client, "publish", [draft], confirm="yes", reason="Source checked")

    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.PUBLISHED
    row = draft.history.latest()
    assert (row.history_user, row.history_change_reason) == (consultant, "Source checked")
    assert "Published 1 opportunity." in _messages(response)


def test_records_without_a_source_are_reported_by_name_and_the_rest_published(consultant_client):
    ready = OpportunityFactory(title="Ready", status=Opportunity.Status.DRAFT)
    bare = OpportunityFactory(title="Bare", status=Opportunity.Status.DRAFT, with_source=False)

    response = _run_action(consultant_client, "publish", [ready, bare], confirm="yes", reason="")

    assert response.status_code == 200
    messages = _messages(response)
    assert any(m.startswith("Bare: sources: Cannot publish without a source") for m in messages), messages
    ready.refresh_from_db(), bare.refresh_from_db()
    assert (ready.status, bare.status) == (Opportunity.Status.PUBLISHED, Opportunity.Status.DRAFT)


def test_a_refused_publish_reads_japanese_on_the_japanese_admin_field_and_all(consultant_client):
    bare = OpportunityFactory(title="Bare", title_ja="出典なし", status=Opportunity.Status.DRAFT, with_source=False)
    data = {"action": "publish", "_selected_action": [bare.pk], "confirm": "yes", "reason": ""}

    response = consultant_client.post(f"/ja{reverse(CHANGELIST)}", data, follow=True)

    # was "出典なし: sources: Cannot publish without a source; add at least one first."
    assert _messages(response) == [
        "出典なし：出典：出典のない記録は公開できません。先に出典を少なくとも 1 つ追加してください。"
    ]


def test_archiving_through_the_action_needs_a_reason(consultant_client):
    published = OpportunityFactory()

    response = _run_action(consultant_client, "archive", [published], confirm="yes", reason="")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    published.refresh_from_db()
    assert published.status == Opportunity.Status.PUBLISHED

    _run_action(consultant_client, "archive", [published], confirm="yes", reason="Event is over")
    published.refresh_from_db()
    assert published.status == Opportunity.Status.ARCHIVED
    assert published.history.latest().history_change_reason == "Event is over"


def test_archiving_records_already_archived_says_so_and_counts_only_the_ones_it_archived(consultant_client):
    published = OpportunityFactory(title="Live call")
    gone = OpportunityFactory(title="Old call", status=Opportunity.Status.ARCHIVED)
    rows = gone.history.count()

    response = _run_action(consultant_client, "archive", [published, gone], confirm="yes", reason="Tidy up")

    assert _messages(response) == [
        "Archived 1 opportunity.",
        "1 opportunity was archived already and was left as it was.",
    ]
    assert gone.history.count() == rows  # nothing written for it


def test_publishing_a_published_record_is_said_in_the_readers_language(consultant_client):
    live = OpportunityFactory(title="Live call")

    response = consultant_client.post(
        "/ja" + reverse(CHANGELIST),
        {"action": "publish", "_selected_action": [live.pk], "confirm": "yes", "reason": ""},
        follow=True,
    )

    assert _messages(response) == ["1件の案件はすでに公開済みのため、そのままにしました。"]


def test_marking_verified_today_through_the_action(consultant, consultant_client):
    stale = OpportunityFactory(last_verified_on=days(0) - datetime.timedelta(days=365))

    _run_action(consultant_client, "mark_verified", [stale], confirm="yes", reason="Re-read the ATLA page")

    stale.refresh_from_db()
    assert (stale.last_verified_on, stale.last_verified_by) == (days(0), consultant)
    assert stale.history.latest().history_change_reason == "Re-read the ATLA page"


def test_company_staff_cannot_run_actions(alice_client):
    draft = OpportunityFactory(status=Opportunity.Status.DRAFT)
    response = _run_action(alice_client, "publish", [draft], follow=False, confirm="yes", reason="x")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


# --- stale records -------------------------------------------------------------------------------------


def test_the_stale_view_lists_published_records_not_verified_for_180_days(consultant_client):
    old = OpportunityFactory(title="Old", last_verified_on=days(0) - datetime.timedelta(days=200))
    OpportunityFactory(title="Fresh", last_verified_on=days(0))
    OpportunityFactory(title="Old draft", status=Opportunity.Status.DRAFT, last_verified_on=None)

    response = consultant_client.get(reverse("admin:programmes_opportunity_stale"), follow=True)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [old]


def test_the_changelist_links_to_the_stale_records_with_their_count(consultant_client):
    OpportunityFactory(last_verified_on=None)
    response = consultant_client.get(reverse(CHANGELIST))
    assert "1 stale record" in response.content.decode()


def test_the_stale_filter_can_also_show_the_fresh_ones(consultant_client):
    OpportunityFactory(title="Old", last_verified_on=None)
    fresh = OpportunityFactory(title="Fresh")
    response = consultant_client.get(reverse(CHANGELIST), {"stale": "no"})
    assert list(response.context["cl"].result_list) == [fresh]


def test_the_stale_view_lists_records_missing_a_japanese_title_or_summary(consultant_client):
    no_summary = OpportunityFactory(title="No summary", title_ja="題名", summary_ja="")
    no_title = OpportunityFactory(title="No title", title_ja="", summary_ja="要約")
    OpportunityFactory(title="Both", title_ja="題名", summary_ja="要約")
    OpportunityFactory(title="Draft", status=Opportunity.Status.DRAFT)

    response = consultant_client.get(reverse(CHANGELIST), {"stale": "untranslated"})

    assert set(response.context["cl"].result_list) == {no_summary, no_title}
    assert "2 records missing Japanese text" in response.content.decode()


@pytest.mark.parametrize("param", ["kind", "status", "confidence"])
def test_the_changelist_filters_by_choice_fields(consultant_client, param):
    OpportunityFactory(title="Hub", kind="hub", status="draft", confidence="low")
    OpportunityFactory(title="Programme")
    value = {"kind": "hub", "status": "draft", "confidence": "low"}[param]
    response = consultant_client.get(reverse(CHANGELIST), {f"{param}__exact": value})
    assert [o.title for o in response.context["cl"].result_list] == ["Hub"]


def test_the_changelist_filters_by_area_and_organisation_and_searches(consultant_client):
    area, org = TechnologyAreaFactory(slug="railgun"), OrganisationFactory(slug="atla")
    tagged = OpportunityFactory(title="Railgun R&D", areas=[area])
    tagged.organisations.add(org)
    OpportunityFactory(title="Other")

    for params in ({"technology_areas__id__exact": area.pk}, {"organisations__id__exact": org.pk}, {"q": "railgun"}):
        response = consultant_client.get(reverse(CHANGELIST), params)
        assert list(response.context["cl"].result_list) == [tagged], params


# --- query count ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 20])
def test_the_changelist_query_count_does_not_grow_with_rows(consultant_client, django_assert_num_queries, rows):
    org, area = OrganisationFactory(), TechnologyAreaFactory()
    for _ in range(rows):
        opportunity = OpportunityFactory(areas=[area])
        opportunity.organisations.add(org)
        SourceFactory(opportunity=opportunity)

    # 1 session, 2 user, 3 stale count for the link, 4 count of records missing Japanese text for the link,
    # 5 consultants group, 6-7 user and group permissions, 8-9 area and organisation filter choices, 10-11
    # filtered and total counts, 12 the page of rows with their source counts, 13 the organisations of those rows.
    with django_assert_num_queries(13):
        response = consultant_client.get(reverse(CHANGELIST))

    assert len(response.context["cl"].result_list) == rows


def test_sources_admin_refuses_deleting_the_last_source_of_a_published_record(consultant_client):
    source = OpportunityFactory().sources.get()
    response = consultant_client.post(
        reverse("admin:programmes_source_delete", args=[source.pk]), {"post": "yes"}, follow=True
    )
    assert "keeps at least one source" in " ".join(_messages(response))
    assert Source.objects.filter(pk=source.pk).exists()


@pytest.mark.parametrize("model", ["organisation", "technologyarea", "certification", "source", "opportunity"])
def test_a_consultant_can_open_every_curation_page(consultant_client, model):
    SourceFactory()
    assert consultant_client.get(reverse(f"admin:programmes_{model}_changelist")).status_code == 200
    if model != "source":  # sources are added on their opportunity's page
        assert consultant_client.get(reverse(f"admin:programmes_{model}_add")).status_code == 200


def test_editing_an_organisation_records_who_and_why(consultant, consultant_client):
    meti = OrganisationFactory(slug="meti", name="METI")
    url = reverse("admin:programmes_organisation_change", args=[meti.pk])
    data = _form_data(consultant_client.get(url)) | {"name_ja": "経済産業省", "change_reason": "Japanese name"}

    assert consultant_client.post(url, data).status_code == 302
    row = meti.history.latest()
    assert (row.name_ja, row.history_user, row.history_change_reason) == ("経済産業省", consultant, "Japanese name")


def test_editing_a_source_goes_through_the_service(consultant, consultant_client):
    source = SourceFactory()
    url = reverse("admin:programmes_source_change", args=[source.pk])
    data = _form_data(consultant_client.get(url)) | {"publisher": "ATLA", "change_reason": "Publisher corrected"}

    assert consultant_client.post(url, data).status_code == 302
    row = source.history.latest()
    assert (row.publisher, row.history_user, row.history_change_reason) == ("ATLA", consultant, "Publisher corrected")


def _source_given_twice(client, opportunity: Opportunity, prefix: str = "") -> tuple[list[str], list[str]]:
    """The record's change form posted back, under PREFIX (/ja), with its source's URL again on the empty row: the
    errors above the sources and on the repeating row."""
    url = prefix + _change_url(opportunity)
    data = _form_data(client.get(url)) | {
        "sources-1-url": opportunity.sources.get().url,
        "sources-1-confidence": "high",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "sources")
    return [str(e) for e in formset.non_form_errors()], [str(e) for e in formset.forms[1].non_field_errors()]


def test_a_source_url_the_record_already_cites_is_named_in_the_readers_words_and_refused(consultant_client):
    opportunity = OpportunityFactory()
    address = opportunity.sources.get().url

    english = _source_given_twice(consultant_client, opportunity)
    japanese = _source_given_twice(consultant_client, opportunity, prefix="/ja")

    assert english == (
        [f"The URL “{address}” is listed more than once: keep one row for it."],
        ["Please correct the duplicate values below."],
    )
    assert japanese == (
        [f"URL「{address}」が複数の行にあります。1 行だけを残してください。"],
        ["下記の重複したデータを修正してください。"],
    )
    assert opportunity.sources.count() == 1


def test_saving_a_record_unchanged_writes_no_history_row_and_no_rescore(consultant_client, rescores):
    opportunity = OpportunityFactory(areas=[TechnologyAreaFactory()])
    rows = opportunity.history.count()

    response = consultant_client.post(
        _change_url(opportunity), _form_data(consultant_client.get(_change_url(opportunity)))
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert opportunity.history.count() == rows
    assert rescores.targets() == []


def test_saving_an_organisation_unchanged_writes_no_history_row(consultant_client):
    meti = OrganisationFactory(slug="meti", name="METI")
    url = reverse("admin:programmes_organisation_change", args=[meti.pk])
    rows = meti.history.count()

    assert consultant_client.post(url, _form_data(consultant_client.get(url))).status_code == 302
    assert meti.history.count() == rows


def test_an_edit_of_the_sources_alone_is_named_in_the_records_history(consultant_client):
    opportunity = OpportunityFactory()
    SourceFactory(opportunity=opportunity, url="https://example.org/old", title="Old page")
    data = _form_data(consultant_client.get(_change_url(opportunity)))
    old = next(key.split("-")[1] for key, value in data.items() if value == "https://example.org/old")
    rows = opportunity.history.count()

    assert consultant_client.post(_change_url(opportunity), data | {f"sources-{old}-DELETE": "on"}).status_code == 302
    assert opportunity.history.count() == rows + 1
    assert opportunity.history.latest().history_change_reason == "Edited in the admin: deleted source “Old page”"


def test_an_admin_edits_default_reason_reads_in_the_readers_language_in_both_histories(consultant_client):
    """The reason is stored in English ("Edited in the admin: deleted source “Old page”"); the admin's history and the
    record's page show consultants its words, the change included, in the reader's language."""
    opportunity = OpportunityFactory(status=Opportunity.Status.PUBLISHED)
    SourceFactory(opportunity=opportunity, url="https://example.org/old", title="Old page")
    data = _form_data(consultant_client.get(_change_url(opportunity)))
    old = next(key.split("-")[1] for key, value in data.items() if value == "https://example.org/old")
    assert consultant_client.post(_change_url(opportunity), data | {f"sources-{old}-DELETE": "on"}).status_code == 302
    history, page = f"/admin/programmes/opportunity/{opportunity.pk}/history/", f"/opportunities/{opportunity.slug}/"

    japanese = consultant_client.get(f"/ja{history}").text + consultant_client.get(f"/ja{page}").text
    english = consultant_client.get(history).text + consultant_client.get(page).text

    assert japanese.count("管理サイトで編集：出典「Old page」を削除") == 2
    assert "deleted source" not in japanese
    assert english.count("Edited in the admin: deleted source “Old page”") == 2


def test_a_certifications_new_equivalent_is_in_its_history(consultant_client):
    from tests.factories import CertificationFactory

    as9100, en9100 = CertificationFactory(code="as9100d"), CertificationFactory(code="en9100")
    url = reverse("admin:programmes_certification_change", args=[as9100.pk])
    data = _form_data(consultant_client.get(url)) | {"equivalents": [str(en9100.pk)]}
    rows = as9100.history.count()

    assert consultant_client.post(url, data).status_code == 302
    assert list(as9100.equivalents.all()) == [en9100]
    assert as9100.history.count() == rows + 1


def test_a_records_area_rows_in_the_admin_name_the_area_not_its_slug(consultant_client):
    area = TechnologyAreaFactory(slug="quantum", name="Quantum technology")
    opportunity = OpportunityFactory()
    OpportunityArea.objects.create(opportunity=opportunity, technology_area=area, weight=0.5)
    page = consultant_client.get(_change_url(opportunity)).content.decode()
    assert "Quantum technology (0.50)" in page
    assert "quantum (0.50)" not in page


def _area_listed_twice(client, opportunity: Opportunity, area, prefix: str = ""):
    """The record's change form posted back with AREA added again on the empty row, under PREFIX (/ja)."""
    url = prefix + _change_url(opportunity)
    data = _form_data(client.get(url)) | {"area_links-1-technology_area": str(area.pk), "area_links-1-weight": "0.3"}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    formset = response.context["inline_admin_formsets"][0].formset
    row_errors = formset.forms[1].errors.get("technology_area", [])
    return [str(e) for e in formset.non_form_errors()], [str(e) for e in row_errors]


def test_an_area_listed_twice_on_a_record_is_named_in_the_readers_words_and_nothing_is_saved(consultant_client):
    area = TechnologyAreaFactory(slug="quantum", name="Quantum technology", name_ja="量子技術")
    opportunity = OpportunityFactory()
    OpportunityArea.objects.create(opportunity=opportunity, technology_area=area, weight=0.5)

    english = _area_listed_twice(consultant_client, opportunity, area)
    japanese = _area_listed_twice(consultant_client, opportunity, area, prefix="/ja")

    assert english == (
        ["“Quantum technology” is listed twice: keep one row for it, with the weight it should have."],
        ["This area is already listed above."],
    )
    assert japanese == (
        ["「量子技術」が2回指定されています。正しい重みを付けた1行だけを残してください。"],
        ["この技術分野はすでに上の行で指定されています。"],
    )
    assert list(opportunity.area_links.values_list("technology_area__slug", "weight")) == [("quantum", 0.5)]


def _all_areas_deleted(client, opportunity: Opportunity):
    """The record's change form posted back with Delete ticked on every area row."""
    data = _form_data(client.get(_change_url(opportunity)))
    rows = int(data["area_links-INITIAL_FORMS"])
    return client.post(_change_url(opportunity), data | {f"area_links-{i}-DELETE": "on" for i in range(rows)})


def test_a_published_priority_area_cannot_lose_its_last_technology_area_in_the_admin(consultant_client, rescores):
    quantum = TechnologyAreaFactory(slug="quantum", name="Quantum technology")
    priority = OpportunityFactory(slug="atla-quantum", kind=Opportunity.Kind.PRIORITY_AREA, areas=[quantum])

    response = _all_areas_deleted(consultant_client, priority)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert [str(e) for e in formset.non_form_errors()] == [
        "A priority area names at least one technology area: keep one, or archive the record."
    ]
    assert list(priority.area_links.values_list("technology_area__slug", flat=True)) == ["quantum"]
    assert rescores.enqueues == []


def test_a_hub_may_lose_every_technology_area_in_the_admin(consultant_client):
    quantum = TechnologyAreaFactory(slug="quantum", name="Quantum technology")
    hub = OpportunityFactory(slug="dual-use-hub", kind=Opportunity.Kind.HUB, areas=[quantum])

    response = _all_areas_deleted(consultant_client, hub)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert not hub.area_links.exists()


def test_a_firm_age_limit_of_zero_years_is_shown_on_the_field_and_nothing_is_saved(consultant_client):
    scheme = OpportunityFactory(max_company_age=5)
    data = _form_data(consultant_client.get(_change_url(scheme))) | {"max_company_age": "0"}

    response = consultant_client.post(_change_url(scheme), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["max_company_age"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    scheme.refresh_from_db()
    assert scheme.max_company_age == 5


def test_a_records_japanese_summary_is_entered_on_its_page_and_takes_it_off_the_untranslated_list(consultant_client):
    opportunity = OpportunityFactory(title="GCAP", title_ja="次期戦闘機", summary_ja="")
    assert list(Opportunity.objects.untranslated()) == [opportunity]
    data = _form_data(consultant_client.get(_change_url(opportunity)))
    data |= {"summary_ja": "日英伊の次期戦闘機の共同開発。", "change_reason": "Japanese summary"}

    response = consultant_client.post(_change_url(opportunity), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    opportunity.refresh_from_db()
    assert opportunity.summary_ja == "日英伊の次期戦闘機の共同開発。"
    assert not Opportunity.objects.untranslated().exists()
    row = opportunity.history.latest()
    assert row.history_change_reason == "Japanese summary"
    assert row.diff_against(row.prev_record).changed_fields == ["summary_ja"]


def test_an_expected_edition_is_entered_on_the_records_page_with_its_basis(consultant_client):
    event = OpportunityFactory(kind=Opportunity.Kind.EVENT, title="DSEI Japan")
    data = _form_data(consultant_client.get(_change_url(event)))
    data |= {
        "expected_from": "2027-05-01",
        "expected_until": "2027-05-31",
        "expected_basis": "from the 2023 and 2025 editions",
    }

    response = consultant_client.post(_change_url(event), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    event.refresh_from_db()
    assert (event.expected_from, event.expected_until) == (datetime.date(2027, 5, 1), datetime.date(2027, 5, 31))
    assert event.expected and event.expected_basis == "from the 2023 and 2025 editions"
    row = event.history.latest()
    changed = set(row.diff_against(row.prev_record).changed_fields)
    assert changed == {"expected_from", "expected_until", "expected_basis"}


@pytest.mark.parametrize(
    ("typed", "field", "said"),
    [
        ({"expected_from": "2027-05-31", "expected_until": "2027-05-01"}, "expected_until", "ends before it starts"),
        ({"expected_from": "2027-05-01"}, "expected_until", "both ends"),
        ({"expected_from": "2027-05-01", "expected_until": "2027-05-31"}, "expected_basis", "past editions"),
    ],
)
def test_a_wrong_expected_window_is_shown_on_the_field_and_nothing_is_saved(consultant_client, typed, field, said):
    event = OpportunityFactory(kind=Opportunity.Kind.EVENT, title="DSEI Japan")
    data = _form_data(consultant_client.get(_change_url(event))) | typed

    response = consultant_client.post(_change_url(event), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert said in str(errors[field]) and "__all__" not in errors
    event.refresh_from_db()
    assert event.expected_from is None


def test_a_source_accessed_on_a_future_date_is_refused_on_its_field_in_the_form(consultant_client):
    opportunity = OpportunityFactory()
    source = opportunity.sources.get()
    data = _form_data(consultant_client.get(_change_url(opportunity))) | {"sources-0-accessed_on": "2099-01-01"}

    response = consultant_client.post(_change_url(opportunity), data)

    assert response.status_code == 200
    source_form = response.context["inline_admin_formsets"][1].formset.forms[0]
    assert "cannot be after today" in str(source_form.errors["accessed_on"])
    source.refresh_from_db()
    assert source.accessed_on != datetime.date(2099, 1, 1)


def test_the_japanese_changelist_names_organisations_in_japanese_where_they_have_a_japanese_name(consultant_client):
    meti = OrganisationFactory(slug="meti", name="Ministry of Economy", acronym="METI", name_ja="経済産業省")
    disti = OrganisationFactory(slug="disti", name="Defence Industry Trade Initiative", acronym="DISTI")
    OpportunityFactory(title="K Program").organisations.set([meti, disti])

    japanese = consultant_client.get("/ja/admin/programmes/opportunity/").content.decode()
    english = consultant_client.get("/admin/programmes/opportunity/").content.decode()

    assert '<td class="field-organisation_list">DISTI、経済産業省</td>' in japanese
    assert '<td class="field-organisation_list">DISTI, METI</td>' in english


def test_keywords_are_typed_one_per_line_and_a_firm_age_of_0_is_refused_in_the_box_too(consultant_client):
    opportunity = OpportunityFactory(title="GCAP", status=Opportunity.Status.DRAFT, keywords=["sixth generation"])
    page = consultant_client.get(_change_url(opportunity))
    assert 'min="1"' in page.content.decode().split('name="max_company_age"')[1].split(">")[0]
    data = _form_data(page)
    assert data["keywords"] == "sixth generation"

    data |= {"keywords": "quantum sensing\n\nQuantum sensing\nadaptive optics", "change_reason": "Keywords"}
    response = consultant_client.post(_change_url(opportunity), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    opportunity.refresh_from_db()
    assert opportunity.keywords == ["quantum sensing", "adaptive optics"]


def test_a_consultant_on_the_japanese_admin_reads_in_japanese_why_a_record_or_source_edit_is_refused(
    consultant_client,
):
    call = CallFactory(title="ISTI call")
    first = call.sources.get()
    second = SourceFactory(opportunity=call, url="https://www.mod.go.jp/second")
    record_url = f"/ja{_change_url(call)}"
    source_url = f"/ja{reverse('admin:programmes_source_change', args=[second.pk])}"
    itself = _form_data(consultant_client.get(record_url)) | {"related": [str(call.pk)]}
    twice = _form_data(consultant_client.get(source_url)) | {"url": first.url}

    related = consultant_client.post(record_url, itself).content.decode()
    cited = consultant_client.post(source_url, twice).content.decode()

    assert "案件を自分自身の関連案件にすることはできません。" in related  # "An opportunity cannot be related ..."
    assert "この案件はこのURLをすでに出典にしています。" in cited  # "This opportunity already cites this URL."
    second.refresh_from_db()
    assert (second.url, list(call.related.all())) == ("https://www.mod.go.jp/second", [])
