"""Once a firm's only suggested area is dismissed, the profile no longer shows the heading "Areas the firm's
description suggests" over nothing: the dismissed area stays listed (with Undo) under its own heading. Undoing a
dismissal that is not there says nothing was dismissed, not that the area "may be suggested again"."""

import pytest

from matching.models import AreaDismissal
from tests.matching.test_area_dismissals import DISMISS, PROFILE, UNDO, USV, uav_maker  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_heading_goes_once_nothing_is_left_to_suggest(alice_client, uav_maker):  # noqa: F811
    assert "Areas the firm's description suggests" in alice_client.get(PROFILE).text

    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv", "from": "profile"})
    page = alice_client.get(PROFILE).text

    assert "Areas the firm's description suggests" not in page
    assert '<h2 id="dismissed-heading">Dismissed suggestions</h2>' in page
    assert f'aria-label="Undo dismissing {USV}">Undo</button>' in page


def test_undoing_an_area_that_was_not_dismissed_says_nothing_was_dismissed(alice_client, uav_maker):  # noqa: F811
    response = alice_client.post(UNDO, {"company": "firm-a", "area": "usv", "from": "profile"}, follow=True)

    assert f"{USV} was not dismissed for Firm A: nothing was changed." in response.text
    assert "may be suggested again" not in response.text
    assert not AreaDismissal.history.exists()


def test_in_japanese_too(alice_client, uav_maker, curated_areas):  # noqa: F811
    curated_areas["usv"].name_ja = "無人水上艇"
    curated_areas["usv"].save()

    response = alice_client.post("/ja" + UNDO, {"company": "firm-a", "area": "usv", "from": "profile"}, follow=True)

    assert "Firm Aは無人水上艇の提案を除外していません。何も変更していません。" in response.text
