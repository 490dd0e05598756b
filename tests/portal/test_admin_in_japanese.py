"""The admin's index under /ja/ names every app and model in Japanese."""

import re

from django.test import Client

from tests.factories import UserFactory


def test_the_japanese_admin_index_names_every_app_in_japanese(db):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    text = client.get("/ja/admin/").text

    captions = re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", text)
    assert len(captions) >= 10, captions  # every app a superuser sees
    english = [c for c in captions if re.fullmatch(r"[A-Za-z ]+", c.strip())]
    assert english == ["Axes"]  # django-axes' lockouts, under the library's own name
    assert "所属s" not in text


def test_a_records_history_page_under_ja_is_in_japanese(consultant_client):
    from tests.factories import OpportunityFactory

    opportunity = OpportunityFactory(title="GCAP")
    text = consultant_client.get(f"/ja/admin/programmes/opportunity/{opportunity.pk}/history/").text

    assert "<h1>履歴を表示：GCAP</h1>" in text
    assert "<title>履歴を表示：GCAP | 架け橋 管理サイト</title>" in text
    for heading in ("対象", "操作", "変更者", "変更理由", "変更内容"):
        assert f'<th scope="col">{heading}</th>' in text
    for english in ("View history", "Change reason", "Changes</th>", "Object</th>", "Django"):
        assert english not in text


def test_the_admin_names_kakehashi_not_django(consultant_client):
    assert "<title>Curation and accounts | Kakehashi admin</title>" in consultant_client.get("/admin/").text
    assert "架け橋 管理画面" in consultant_client.get("/ja/admin/").text
