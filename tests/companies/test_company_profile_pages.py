"""Profile pages: staff see and edit their own firm only; consultants see and edit all; anonymous visitors log in."""

import datetime
import re

import pytest
from django.urls import reverse

from companies.models import Company, CompanyCertification
from companies.services import company_update
from tests.factories import CertificationFactory, CompanyFactory, TechnologyAreaFactory


@pytest.fixture(autouse=True)
def rescore(rescores):
    return rescores


def detail(company: Company) -> str:
    return reverse("companies:company_detail", kwargs={"slug": company.slug})


def edit(company: Company) -> str:
    return reverse("companies:company_update", kwargs={"slug": company.slug})


def form_data(company: Company, **changes) -> dict:
    data = {
        "description": company.description,
        "website": company.website,
        "technology_areas": [area.pk for area in company.technology_areas.all()],
        "trl": company.trl or "",
        "export_control_notes": company.export_control_notes,
        "japan_presence": company.japan_presence,
        "contact_email": company.contact_email,
        "certifications-TOTAL_FORMS": "2",
        "certifications-INITIAL_FORMS": "0",
        "certifications-MIN_NUM_FORMS": "0",
        "certifications-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_alice_sees_her_firms_private_fields(alice_client, firm_a):
    response = alice_client.get(detail(firm_a))

    assert response.status_code == 200
    assert "ops@firm-a.example" in response.content.decode()
    assert "Edit profile" in response.content.decode()


def test_bob_cannot_see_alices_firm(bob_client, firm_a):
    response = bob_client.get(detail(firm_a))

    assert response.status_code == 404
    assert "ops@firm-a.example" not in response.content.decode()


def test_bob_cannot_open_alices_edit_form(bob_client, firm_a):
    assert bob_client.get(edit(firm_a)).status_code == 404


def test_bob_cannot_change_alices_firm(bob_client, firm_a):
    response = bob_client.post(edit(firm_a), form_data(firm_a, description="Hijacked"))

    assert response.status_code == 404
    firm_a.refresh_from_db()
    assert firm_a.description == "Makes things."


def test_a_consultant_sees_and_edits_every_firm(consultant_client, firm_a, firm_b):
    assert consultant_client.get(detail(firm_a)).status_code == 200
    assert consultant_client.get(detail(firm_b)).status_code == 200

    response = consultant_client.post(edit(firm_b), form_data(firm_b, trl="7"))

    assert response.status_code == 302
    firm_b.refresh_from_db()
    assert firm_b.trl == 7


def test_anonymous_visitors_are_sent_to_log_in(anon_client, firm_a):
    for url in (reverse("companies:company_list"), detail(firm_a), edit(firm_a)):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_unknown_firm_is_a_404_even_for_consultants(consultant_client, db):
    assert consultant_client.get("/companies/no-such-firm/").status_code == 404


def test_a_viewer_sees_the_profile_without_an_edit_link_and_may_not_edit(carol_client, firm_a):
    response = carol_client.get(detail(firm_a))

    assert response.status_code == 200
    assert "Edit profile" not in response.content.decode()
    assert carol_client.get(edit(firm_a)).status_code == 403
    assert carol_client.post(edit(firm_a), form_data(firm_a, trl="3")).status_code == 403


def test_a_viewer_refused_an_edit_is_told_why_in_her_language(carol_client, firm_a):
    english = carol_client.get(edit(firm_a))
    japanese = carol_client.get(f"/ja{edit(firm_a)}")

    assert english.status_code == japanese.status_code == 403
    assert "<h1>Not allowed</h1>" in english.text
    assert "Only the firm&#x27;s editors may change its profile." in english.text
    assert '<html lang="ja">' in japanese.text and "<h1>許可されていません</h1>" in japanese.text
    assert "プロフィールを変更できるのはその企業の編集者だけです。" in japanese.text


def test_my_company_lists_only_alices_firm(alice_client, firm_a, firm_b):
    response = alice_client.get(reverse("companies:company_list"))

    assert response.status_code == 200
    assert list(response.context["company_list"]) == [firm_a]
    assert "Firm B" not in response.content.decode()


def test_a_consultant_lists_and_searches_every_firm(consultant_client, firm_a, firm_b):
    CompanyFactory(slug="photon-works", name="Photon Works", description="High-energy lasers")

    everything = consultant_client.get(reverse("companies:company_list"))
    lasers = consultant_client.get(reverse("companies:company_list"), {"q": "lasers"})

    assert [c.slug for c in everything.context["company_list"]] == ["firm-a", "firm-b", "photon-works"]
    assert [c.slug for c in lasers.context["company_list"]] == ["photon-works"]


@pytest.mark.parametrize("firms", [2, 20])
def test_the_firm_listing_takes_the_same_queries_for_2_or_20_firms(consultant_client, django_assert_num_queries, firms):
    area = TechnologyAreaFactory(slug="uav")
    for n in range(firms):
        CompanyFactory(slug=f"firm-{n}", areas=[area])
    consultant_client.get(reverse("companies:company_list"))  # warm the session and the consultant flag

    # 1 session, 2 user, 3 consultants group, 4 count for the pager, 5 the area filter's choices,
    # 6 the page of firms, 7 their areas (one prefetch)
    with django_assert_num_queries(7):
        response = consultant_client.get(reverse("companies:company_list"))

    assert len(response.context["company_list"]) == firms


def test_alice_edits_her_firm_and_the_history_records_what_and_who(alice, alice_client, firm_a):
    uav = TechnologyAreaFactory(slug="uav")
    as9100 = CertificationFactory(code="as9100d", name="AS9100D")
    before = firm_a.history.count()

    response = alice_client.post(
        edit(firm_a),
        form_data(
            firm_a,
            description="Long-endurance drones for maritime patrol.",
            technology_areas=[uav.pk],
            trl="6",
            itar_controlled="on",
            **{"certifications-0-certification": as9100.pk, "certifications-0-expires_on": "2027-03-31"},
        ),
    )

    assert response.status_code == 302
    assert response.url == detail(firm_a)
    firm_a.refresh_from_db()
    assert (firm_a.description, firm_a.trl, firm_a.itar_controlled) == (
        "Long-endurance drones for maritime patrol.",
        6,
        True,
    )
    assert list(firm_a.technology_areas.all()) == [uav]
    assert list(
        CompanyCertification.objects.filter(company=firm_a).values_list("certification__code", "expires_on")
    ) == [("as9100d", datetime.date(2027, 3, 31))]
    assert firm_a.history.count() == before + 1
    new, old = firm_a.history.all()[:2]
    assert (new.history_user, new.history_change_reason) == (alice, "Edited in the portal")
    changes = {change.field: (change.old, change.new) for change in new.diff_against(old).changes}
    assert changes["description"] == ("Makes things.", "Long-endurance drones for maritime patrol.")
    assert changes["trl"] == (None, 6)
    assert changes["itar_controlled"] == (False, True)
    assert [row["technologyarea"] for row in changes["technology_areas"][1]] == [uav.pk]


def test_saving_an_unchanged_form_writes_no_history(alice_client, firm_a, rescore):
    before = firm_a.history.count()

    response = alice_client.post(edit(firm_a), form_data(firm_a))

    assert response.status_code == 302
    assert firm_a.history.count() == before
    assert rescore.targets() == [] and rescore.enqueues == []


def test_an_edit_rescores_the_firm_once(alice_client, firm_a, rescore):
    alice_client.post(edit(firm_a), form_data(firm_a, trl="4"))

    assert rescore.targets() == [("company", firm_a.pk)] and len(rescore.enqueues) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"trl": "12"}, "trl", "TRL runs from 1 to 9."),
        ({"trl": "0"}, "trl", "TRL runs from 1 to 9."),
        ({"website": "not a url"}, "website", "Enter a full web address, such as https://example.com."),
        ({"description": "   "}, "description", "Describe what the firm makes: the matcher reads this."),
        ({"contact_email": "nobody"}, "contact_email", "Enter an e-mail address, such as exports@example.com."),
        ({"japan_presence": "embassy"}, "japan_presence", "Select a valid choice."),
    ],
)
def test_the_form_names_the_bad_field_and_saves_nothing(alice_client, firm_a, changes, field, message):
    response = alice_client.post(edit(firm_a), form_data(firm_a, **changes))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split(".")[0] in response.content.decode()
    firm_a.refresh_from_db()
    assert (firm_a.trl, firm_a.description) == (None, "Makes things.")


def test_the_form_refuses_the_same_certification_twice(alice_client, firm_a):
    cert = CertificationFactory(code="iso-9001", name="ISO 9001")
    data = form_data(firm_a, **{"certifications-0-certification": cert.pk, "certifications-1-certification": cert.pk})

    response = alice_client.post(edit(firm_a), data)

    assert response.status_code == 400
    assert "ISO 9001 is listed twice." in response.content.decode()
    assert not firm_a.certification_links.exists()


@pytest.fixture
def disp(db):
    return CertificationFactory(
        code="disp-entry",
        name="DISP Entry Level (Australia, OFFICIAL / OFFICIAL:Sensitive)",
        name_ja="DISP エントリーレベル（防衛産業保安プログラム、オーストラリア、OFFICIAL / OFFICIAL:Sensitive）",
    )


def test_the_japanese_form_offers_certifications_by_their_japanese_names(alice_client, firm_a, disp):
    CertificationFactory(code="iso-9001", name="ISO 9001")  # no Japanese name yet: the English one

    page = edit(firm_a)
    japanese = alice_client.get("/ja" + page).content.decode()
    english = alice_client.get(page).content.decode()

    assert f'<option value="{disp.pk}">DISP エントリーレベル（防衛産業保安プログラム、' in japanese
    assert "DISP Entry Level" not in japanese
    assert ">ISO 9001</option>" in japanese
    assert f'<option value="{disp.pk}">DISP Entry Level (Australia, OFFICIAL / OFFICIAL:Sensitive)</option>' in english
    assert "エントリーレベル" not in english


def test_the_japanese_profile_lists_held_certifications_by_their_japanese_names(alice, alice_client, firm_a, disp):
    company_update(company=firm_a, data={"certifications": {disp: None}}, by=alice)

    page = detail(firm_a)
    assert "<li>DISP エントリーレベル（防衛産業保安プログラム、" in alice_client.get("/ja" + page).text
    assert "<li>DISP Entry Level (Australia, OFFICIAL / OFFICIAL:Sensitive)</li>" in alice_client.get(page).text


def test_every_form_control_has_a_label(alice_client, firm_a):
    TechnologyAreaFactory(slug="uav")
    CertificationFactory(code="iso-9001")
    html = alice_client.get(edit(firm_a)).content.decode()

    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    ids = [re.search(r'\bid="([^"]+)"', tag).group(1) for tag in controls if 'type="hidden"' not in tag]
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    assert ids
    assert [control for control in ids if control not in labelled] == []


def test_a_new_certificate_expiry_alone_is_listed_in_the_firms_history(alice, alice_client, firm_a):
    from companies.services import company_update

    as9100 = CertificationFactory(code="as9100d", name="AS9100D")
    company_update(company=firm_a, data={"certifications": {as9100: datetime.date(2027, 3, 31)}}, by=alice)

    company_update(company=firm_a, data={"certifications": {as9100: datetime.date(2029, 3, 31)}}, by=alice)

    new, old = firm_a.history.all()[:2]
    assert new.diff_against(old).changed_fields == ["certifications"]
    assert [link.expires_on for link in old.certifications.all()] == [datetime.date(2027, 3, 31)]
    assert re.search(r"Changed: Certifications\b", alice_client.get(detail(firm_a)).text)


def test_a_certificates_expiry_reads_as_a_date_in_each_language(alice_client, firm_a):
    import datetime

    from tests.factories import CertificationFactory

    CompanyCertification.objects.create(
        company=firm_a, certification=CertificationFactory(code="iso9001"), expires_on=datetime.date(2027, 6, 30)
    )

    assert "expires 30 June 2027" in alice_client.get("/companies/firm-a/").text
    assert "2027年6月30日まで有効" in alice_client.get("/ja/companies/firm-a/").text
