"""HTML typed into any text field reaches every page as text, never as markup (issue 6, "Bad input").

Each record gets a payload tagged with the field it sits in, so a failure names the field that came out raw.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from companies.models import Company
from portal.tokens import token_issue
from programmes.models import Opportunity, Organisation, TechnologyArea
from tests.factories import (
    CallFactory,
    CertificationFactory,
    EventFactory,
    MatchFactory,
    OrganisationFactory,
    SourceFactory,
    TechnologyAreaFactory,
)

ATTACK = "<script>alert(1)</script><img src=x onerror=alert(2)>"
# What must never reach a page unescaped, whichever field it came from.
RAW_PIECES = ["<script>alert(1)", "<img src=x onerror"]


def xss(field: str) -> str:
    """The attack string, tagged with the field it is stored in."""
    return f"[{field}]{ATTACK}"


def assert_shown_escaped(response, *fields: str) -> None:
    """The page answered 200, shows each field's payload as escaped text, and no payload as markup."""
    assert response.status_code == 200
    body = response.content.decode()
    for piece in RAW_PIECES:
        assert piece not in body
    missing = [field for field in fields if escape(xss(field)) not in body]
    assert not missing, f"fields not shown escaped: {missing}"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def hostile_area(db):
    return TechnologyAreaFactory(slug="hostile-area", name=xss("area.name"), name_ja=xss("area.name_ja"))


@pytest.fixture
def hostile_org(db):
    return OrganisationFactory(slug="hostile-org", name=xss("org.name"), acronym="", name_ja=xss("org.name_ja"))


@pytest.fixture
def hostile_call(hostile_area, hostile_org):
    """A published call with HTML in every text field a page shows, plus sources and a change reason."""
    call = CallFactory(
        slug="hostile-call",
        title=xss("title"),
        title_ja=xss("title_ja"),
        summary=xss("summary"),
        description=xss("description"),
        eligibility_notes=xss("eligibility_notes"),
        closes_on=days(10),
        areas=[hostile_area],
        with_source=False,
    )
    call.organisations.add(hostile_org)
    call.required_certifications.add(CertificationFactory(code="hostile-cert", name=xss("certification.name")))
    SourceFactory(
        opportunity=call, title=xss("source.title"), publisher=xss("source.publisher"), note=xss("source.note")
    )
    call.related.add(CallFactory(slug="hostile-related", title=xss("related.title"), closes_on=days(50)))
    call._change_reason = xss("history.reason")
    call.save()
    return call


@pytest.fixture
def hostile_event(db):
    return EventFactory(
        slug="hostile-event", title=xss("event.title"), venue=xss("event.venue"), starts_on=days(20), ends_on=days(21)
    )


@pytest.fixture
def hostile_firm(firm_a, hostile_area):
    """Alice's firm with HTML in its profile fields and in the reason of its last change."""
    Company.objects.filter(pk=firm_a.pk).update(
        name=xss("company.name"),
        description=xss("company.description"),
        export_control_notes=xss("company.export_control_notes"),
        contact_email=xss("company.contact_email"),
    )
    firm_a.refresh_from_db()
    firm_a.technology_areas.add(hostile_area)
    firm_a._change_reason = xss("company.history.reason")
    firm_a.save()
    return firm_a


# --- public pages ---


def test_home_shows_titles_venues_and_area_names_as_text(anon_client, hostile_call, hostile_event):
    response = anon_client.get(reverse("portal:home"))

    assert_shown_escaped(response, "title", "event.title", "event.venue", "area.name")


def test_opportunity_listing_shows_titles_summaries_and_filter_labels_as_text(anon_client, hostile_call):
    response = anon_client.get(reverse("programmes:opportunity_list"), {"technology_area": "hostile-area"})

    assert_shown_escaped(response, "title", "summary", "area.name", "org.name")


def test_search_highlight_marks_words_inside_escaped_html(anon_client, hostile_call):
    response = anon_client.get(reverse("programmes:opportunity_list"), {"q": "script"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in body
    for piece in RAW_PIECES:
        assert piece not in body


def test_searching_for_the_attack_itself_echoes_it_as_text(anon_client, hostile_call):
    response = anon_client.get(reverse("programmes:opportunity_list"), {"q": ATTACK})

    body = response.content.decode()
    assert response.status_code == 200
    assert hostile_call in response.context["opportunities"]  # found, and highlighted piece by piece
    # The "<" before the word is punctuation around it, not part of it (portal.search), so it is left unmarked.
    assert "&lt;<mark>script&gt;alert(1)&lt;/script&gt;&lt;img</mark>" in body
    assert f'value="{escape(ATTACK)}"' in body  # the search box keeps the words, as an attribute value
    for piece in RAW_PIECES:
        assert piece not in body


def test_opportunity_detail_shows_every_text_field_as_text(anon_client, consultant_client, hostile_call):
    response = anon_client.get(hostile_call.get_absolute_url())

    assert_shown_escaped(
        response,
        "title",
        "title_ja",
        "summary",
        "description",
        "eligibility_notes",
        "certification.name",
        "source.title",
        "source.publisher",
        "source.note",
        "related.title",
        "org.name",
        "area.name",
    )
    # Reasons for changes are shown to consultants only (issue 17, finding 6).
    assert_shown_escaped(consultant_client.get(hostile_call.get_absolute_url()), "history.reason")


def test_japanese_opportunity_detail_shows_japanese_names_as_text(anon_client, hostile_call):
    response = anon_client.get(f"/ja{hostile_call.get_absolute_url()}")

    assert_shown_escaped(response, "title_ja", "title", "org.name_ja", "area.name_ja")


def test_event_detail_shows_the_venue_as_text(anon_client, hostile_event):
    response = anon_client.get(hostile_event.get_absolute_url())

    assert_shown_escaped(response, "event.title", "event.venue")


def test_calendar_page_shows_titles_venues_and_firm_names_as_text(
    alice_client, hostile_call, hostile_event, hostile_firm
):
    response = alice_client.get(reverse("portal:calendar"))

    assert_shown_escaped(response, "title", "event.title", "event.venue", "company.name")


# --- pages of a firm's staff ---


def test_my_matches_shows_reasons_gaps_and_titles_as_text(alice_client, hostile_call, hostile_firm):
    MatchFactory(
        company=hostile_firm,
        opportunity=hostile_call,
        score=70.0,
        reasons=[xss("match.reason"), {"text": xss("match.reason_dict")}],
        gaps=[xss("match.gap")],
    )

    response = alice_client.get(reverse("matching:match_list"))

    assert_shown_escaped(
        response, "match.reason", "match.reason_dict", "match.gap", "title", "org.name", "area.name", "company.name"
    )


def test_the_fit_section_of_a_detail_page_shows_reasons_and_gaps_as_text(alice_client, hostile_call, hostile_firm):
    MatchFactory(company=hostile_firm, opportunity=hostile_call, reasons=[xss("match.reason")], gaps=[xss("match.gap")])

    response = alice_client.get(hostile_call.get_absolute_url())

    assert_shown_escaped(response, "match.reason", "match.gap", "company.name")


def test_company_profile_shows_every_field_as_text(alice_client, consultant_client, hostile_firm):
    hostile_firm.certification_links.create(certification=CertificationFactory(code="c1", name=xss("held.name")))

    response = alice_client.get(hostile_firm.get_absolute_url())

    assert_shown_escaped(
        response,
        "company.name",
        "company.description",
        "company.export_control_notes",
        "company.contact_email",
        "area.name",
        "held.name",
    )
    # Reasons for changes are shown to consultants only (issue 17, finding 6).
    assert_shown_escaped(consultant_client.get(hostile_firm.get_absolute_url()), "company.history.reason")


def test_company_edit_form_puts_stored_html_in_fields_as_text(alice_client, hostile_firm):
    response = alice_client.get(reverse("companies:company_update", kwargs={"slug": hostile_firm.slug}))

    assert_shown_escaped(response, "company.name", "company.description", "company.export_control_notes")


def test_a_rejected_edit_echoes_the_typed_html_as_text(alice_client, hostile_firm):
    response = alice_client.post(
        reverse("companies:company_update", kwargs={"slug": hostile_firm.slug}),
        {
            "description": xss("typed.description"),
            "website": xss("typed.website"),
            "contact_email": xss("typed.contact_email"),
            "export_control_notes": xss("typed.export_control_notes"),
            "japan_presence": "none",
            "certifications-TOTAL_FORMS": "0",
            "certifications-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400  # the website and e-mail are refused, and the form comes back
    body = response.content.decode()
    for field in ("typed.description", "typed.website", "typed.contact_email", "typed.export_control_notes"):
        assert escape(xss(field)) in body
    for piece in RAW_PIECES:
        assert piece not in body


def test_companies_list_shows_names_and_areas_as_text(alice_client, consultant_client, hostile_firm):
    for client in (alice_client, consultant_client):
        response = client.get(reverse("companies:company_list"))

        assert_shown_escaped(response, "company.name", "area.name")


def test_token_page_shows_token_names_as_text(alice, alice_client):
    token_issue(user=alice, name=xss("token.name"))

    response = alice_client.get(reverse("portal:token_list"))

    assert_shown_escaped(response, "token.name")


# --- the consultants' admin ---


def test_admin_opportunity_changelist_shows_titles_and_organisations_as_text(consultant_client, hostile_call):
    response = consultant_client.get(reverse("admin:programmes_opportunity_changelist"))

    assert_shown_escaped(response, "title", "org.name")


def test_admin_search_box_echoes_the_query_as_text(consultant_client, hostile_call):
    response = consultant_client.get(reverse("admin:programmes_opportunity_changelist"), {"q": ATTACK})

    assert response.status_code == 200
    body = response.content.decode()
    assert escape(ATTACK) in body
    for piece in RAW_PIECES:
        assert piece not in body


def test_admin_company_changelist_shows_names_as_text(consultant_client, hostile_firm):
    response = consultant_client.get(reverse("admin:companies_company_changelist"))

    assert_shown_escaped(response, "company.name")


def test_admin_reference_changelists_show_names_as_text(consultant_client, hostile_area, hostile_org):
    for model, field in ((TechnologyArea, "area.name"), (Organisation, "org.name")):
        meta = model._meta
        response = consultant_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))

        assert_shown_escaped(response, field)


def test_admin_opportunity_change_form_shows_stored_html_as_text(consultant_client, hostile_call):
    response = consultant_client.get(reverse("admin:programmes_opportunity_change", args=[hostile_call.pk]))

    assert_shown_escaped(response, "title", "summary", "description", "eligibility_notes", "source.title")


def test_a_draft_with_html_is_escaped_for_consultants(consultant_client, db):
    draft = CallFactory(slug="hostile-draft", title=xss("draft.title"), status=Opportunity.Status.DRAFT)

    response = consultant_client.get(draft.get_absolute_url())

    assert_shown_escaped(response, "draft.title")
