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
