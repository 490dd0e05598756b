"""Deleting a technology area in the admin: the confirmation names the records, firms and partners that lose it."""

import html
import re

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from companies.models import Company
from programmes import admin_reference_lists
from programmes.models import Opportunity, TechnologyArea
from tests.factories import CompanyFactory, OpportunityFactory, TechnologyAreaFactory
from tests.partners.conftest import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def quantum(db):
    """An area listed by a record, ticked by a firm and linked to a partner."""
    area = TechnologyAreaFactory(slug="quantum", name="Quantum technology", name_ja="量子技術")
    OpportunityFactory(title="GCAP quantum sensing call", title_ja="", areas=[(area, 0.5)])
    CompanyFactory(name="Q-CTRL", areas=[area])
    make_partner("toshiba", role="prime", areas={area: 0.8}, name="Toshiba")
    return area


def confirmation(client, area, prefix: str = "") -> tuple[list[str], list[str]]:
    """The lines of the delete page's summary and of its list of objects, as the consultant reads them."""
    page = client.get(prefix + reverse("admin:programmes_technologyarea_delete", args=[area.pk])).text
    summary = re.search(r"<h2>[^<]*</h2>\s*<ul>(.*?)</ul>", page, re.S).group(1)
    objects = re.search(r'<ul id="deleted-objects">(.*?)</ul>\s*<form', page, re.S).group(1)
    return _lines(summary), _lines(objects)


def _lines(fragment: str) -> list[str]:
    text = re.sub(r"</?a\b[^>]*>", "", fragment)  # a link reads as its words
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_the_delete_page_names_the_records_firms_and_partners_that_lose_the_area(consultant_client, quantum):
    summary, objects = confirmation(consultant_client, quantum)

    assert objects == [
        "Technology area: Quantum technology",
        "Taken off these, which are kept:",
        "Opportunity: GCAP quantum sensing call",
        "Company: Q-CTRL",
        "Partner: Toshiba",
    ]
    assert summary == [
        "Technology areas: 1",
        "Opportunities that lose the area (kept): 1",
        "Companies that lose the area (kept): 1",
        "Partners that lose the area (kept): 1",
    ]


def test_the_japanese_delete_page_says_the_same_in_japanese(consultant_client, quantum):
    summary, objects = confirmation(consultant_client, quantum, prefix="/ja")

    assert objects[:2] == ["技術分野: 量子技術", "次のものからこの分野が外れます（それ自体は削除されません）："]
    assert "この分野が外れる案件（削除されません）: 1" in summary


def test_what_the_page_calls_kept_is_kept(consultant_client, quantum):
    url = reverse("admin:programmes_technologyarea_delete", args=[quantum.pk])

    assert consultant_client.post(url, {"post": "yes"}).status_code == 302
    assert list(Opportunity.objects.values_list("title", "area_links")) == [("GCAP quantum sensing call", None)]
    assert list(Company.objects.values_list("name", "technology_areas")) == [("Q-CTRL", None)]


def test_the_delete_page_does_not_say_that_everything_listed_is_deleted(consultant_client, quantum):
    url = f"/admin/programmes/technologyarea/{quantum.pk}/delete/"
    english = consultant_client.get(url).content.decode()
    japanese = consultant_client.get(f"/ja{url}").content.decode()

    assert "All of the following related items will be deleted" not in english
    assert "listed as kept below are not deleted: they only lose the area" in english
    assert "削除されず、この分野が外れるだけです" in japanese


@pytest.fixture
def only_area(db):
    """An area that is the only one of a published priority area, and one of two of another."""
    area = TechnologyAreaFactory(slug="railgun", name="Railgun")
    other = TechnologyAreaFactory(slug="uuv", name="UUV")
    OpportunityFactory(title="ATLA railgun", kind="priority_area", areas=[(area, 1.0)])
    OpportunityFactory(title="ATLA maritime", kind="priority_area", areas=[(area, 0.5), (other, 0.5)])
    return area


def _refused(area) -> None:
    """Nothing of a refused delete is written: the area, the record's link to it and no deletion in the admin's log."""
    assert TechnologyArea.objects.filter(pk=area.pk).exists()
    assert list(Opportunity.objects.get(title="ATLA railgun").area_links.values_list("technology_area", flat=True)) == [
        area.pk
    ]
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_the_only_area_of_a_published_priority_area_cannot_be_deleted_and_the_page_names_the_record(
    consultant_client, only_area
):
    url = reverse("admin:programmes_technologyarea_delete", args=[only_area.pk])
    page = consultant_client.get(url).text

    assert "cannot be deleted: it is the only technology area of these published priority areas" in page
    assert "ATLA railgun" in page and "ATLA maritime" not in page
    assert 'name="post"' not in page  # no button to confirm
    assert consultant_client.post(url, {"post": "yes"}).status_code == 200
    _refused(only_area)


def test_deleting_the_only_area_of_a_published_priority_area_from_the_list_is_refused(consultant_client, only_area):
    data = {"action": "delete_selected", "_selected_action": [only_area.pk], "post": "yes"}
    response = consultant_client.post(reverse("admin:programmes_technologyarea_changelist"), data)

    assert response.status_code == 200
    assert "The selected technology areas cannot be deleted" in response.text and "ATLA railgun" in response.text
    _refused(only_area)


@pytest.mark.parametrize("from_list", [False, True])
def test_a_delete_refused_after_the_page_was_shown_is_a_message_and_deletes_nothing(
    consultant_client, only_area, monkeypatch, from_list
):
    # The record was published after the page was drawn: the page saw nothing to refuse, the service refuses.
    monkeypatch.setattr(admin_reference_lists, "technology_areas_delete_refusals", lambda areas: [])
    if from_list:
        data = {"action": "delete_selected", "_selected_action": [only_area.pk], "post": "yes"}
        response = consultant_client.post(reverse("admin:programmes_technologyarea_changelist"), data, follow=True)
    else:
        url = reverse("admin:programmes_technologyarea_delete", args=[only_area.pk])
        response = consultant_client.post(url, {"post": "yes"}, follow=True)

    said = [str(message) for message in response.context["messages"]]
    assert response.status_code == 200
    assert len(said) == 1 and said[0].startswith("Not deleted: It is the only technology area of these published")
    assert "ATLA railgun" in said[0]
    _refused(only_area)
