"""A save that has the firm's matches rescored says so: the rescore runs in the background, and until it ends my
matches shows the scores from before the change (matching/freshness.py). Saves that change nothing scored say only
that they saved."""

import pytest
from django.urls import reverse

from companies.models import Company
from tests.companies.test_company_profile_pages import form_data
from tests.factories import CertificationFactory

STAFF_NOTE = (
    "Your matches will be updated shortly: until the rescore finishes, My matches shows the scores from before this "
    "change."
)
CONSULTANT_NOTE = (
    "Its matches will be updated shortly: until the rescore finishes, they show the scores from before this change."
)


@pytest.fixture(autouse=True)
def rescore(rescores):
    return rescores


def save(client, firm: Company, prefix: str = "", **changes) -> str:
    url = prefix + reverse("companies:company_update", kwargs={"slug": firm.slug})
    response = client.post(url, form_data(firm, **changes), follow=True)
    assert response.redirect_chain[-1][1] == 302
    return response.content.decode()


def test_saving_a_changed_profile_says_the_matches_will_be_updated_shortly(alice_client, firm_a, rescores):
    page = save(alice_client, firm_a, description="Optics for directed energy.")

    assert f"The profile of Firm A was saved. {STAFF_NOTE}" in page
    assert rescores.targets() == [("company", firm_a.pk)]


def test_a_changed_certification_alone_says_the_same(alice_client, firm_a, rescores):
    cert = CertificationFactory()

    page = save(alice_client, firm_a, **{"certifications-0-certification": cert.pk})

    assert f"The profile of Firm A was saved. {STAFF_NOTE}" in page
    assert rescores.targets() == [("company", firm_a.pk)]


def test_a_save_that_changes_nothing_says_only_that_it_saved(alice_client, firm_a, rescores):
    page = save(alice_client, firm_a)

    assert "The profile of Firm A was saved." in page
    assert "will be updated shortly" not in page
    assert rescores.targets() == []


def test_a_change_the_scorer_never_reads_says_only_that_it_saved(alice_client, firm_a, rescores):
    page = save(alice_client, firm_a, alert_threshold="80")

    assert "The profile of Firm A was saved." in page
    assert "will be updated shortly" not in page
    assert rescores.targets() == []


def test_the_note_reads_in_japanese_under_ja(alice_client, firm_a):
    page = save(alice_client, firm_a, prefix="/ja", description="Optics for directed energy.")

    assert "自社のマッチはまもなく更新されます。再計算が終わるまで、「自社のマッチ」には変更前のスコアを" in page


def test_a_consultant_saving_a_firms_profile_is_told_its_matches_will_follow(consultant_client, firm_a):
    page = save(consultant_client, firm_a, description="Optics for directed energy.")

    assert f"The profile of Firm A was saved. {CONSULTANT_NOTE}" in page


def test_a_consultant_saving_a_firm_in_the_admin_is_told_its_matches_will_follow(consultant_client, firm_a):
    from tests.programmes.test_admin import _form_data

    url = reverse("admin:companies_company_change", args=[firm_a.pk])
    data = {**_form_data(consultant_client.get(url)), "description": "Optics for directed energy."}

    page = consultant_client.post(url, data, follow=True).content.decode()

    assert "was changed successfully" in page
    assert CONSULTANT_NOTE in page
