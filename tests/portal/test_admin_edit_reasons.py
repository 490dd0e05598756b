"""The reasons the admin writes for an edit with none typed, stored in English, read in the reader's language."""

import pytest
from django.utils import translation

from portal.reasons import reason_text

LINKS = "Edited in the admin: added opportunity “GCAP call”; removed technology area “Quantum”"


@pytest.mark.parametrize(
    ("stored", "japanese"),
    [
        (LINKS, "管理サイトで編集：案件「GCAP call」を追加、技術分野「Quantum」の紐付けを解除"),
        ("Created in the admin: added source “ATLA; MOD”", "管理サイトで作成：出典「ATLA; MOD」を追加"),
        # cut by the column: inside a name, then inside the next change's words
        ("Edited in the admin: deleted source “Old pa…", "管理サイトで編集：出典「Old pa…」を削除"),
        ("Edited in the admin: changed source “A”; added sou…", "管理サイトで編集：出典「A」を変更、…"),
    ],
)
def test_an_admin_edits_changes_read_in_japanese(stored, japanese):
    with translation.override("ja"):
        assert reason_text(stored) == japanese


def test_an_admin_edits_changes_read_in_english_as_stored():
    with translation.override("en"):
        assert reason_text(LINKS) == LINKS


def test_a_typed_reason_that_looks_like_the_admins_is_shown_as_typed_after_the_translated_words():
    with translation.override("ja"):
        assert reason_text("Edited in the admin: fixed the typo") == "管理サイトで編集：fixed the typo"
        assert reason_text("Moved to declined: no fit") == "「見送り」に変更：no fit"
