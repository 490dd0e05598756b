"""The confirmation after Follow / Pursue, "not relevant" and its undo names the record by its Japanese title on
/ja/ (the English one when it has none), like every other place the record is named; English pages keep English."""

import pytest
from django.contrib.messages import get_messages

from tests.factories import CallFactory, MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cyber(firm_a):
    title, title_ja = "AUKUS Pillar II: advanced cyber", "AUKUS第2の柱：先進サイバー"
    call = CallFactory(slug="cyber-call", title=title, title_ja=title_ja)
    MatchFactory(company=firm_a, opportunity=call, score=80)
    return call


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_following_on_ja_names_the_record_in_japanese(alice_client, cyber):
    response = alice_client.post(
        "/ja/workspace/firm-a/pipeline/cyber-call/set/", {"stage": "watching", "next": "/ja/my/matches/"}
    )

    assert told(response) == ["「AUKUS第2の柱：先進サイバー」は現在：注視中。"]


def test_not_relevant_and_undo_on_ja_name_the_record_in_japanese(alice_client, cyber):
    url = "/ja/workspace/firm-a/matches/cyber-call/not-relevant/"
    hidden = alice_client.post(url, {"reason": "wrong_technology", "next": "/ja/my/matches/"})
    back = alice_client.post(url + "undo/", {"next": "/ja/my/matches/"})

    assert told(hidden) == ["「AUKUS第2の柱：先進サイバー」をマッチ一覧から非表示にしました。"]
    assert told(back)[-1] == "「AUKUS第2の柱：先進サイバー」をマッチ一覧に戻しました。"  # the first is still unread


def test_english_pages_keep_the_english_title(alice_client, cyber):
    response = alice_client.post("/workspace/firm-a/pipeline/cyber-call/set/", {"stage": "pursuing"})

    assert told(response) == ["“AUKUS Pillar II: advanced cyber” is now: Pursuing."]
