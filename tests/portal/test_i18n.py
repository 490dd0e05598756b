"""English at plain URLs, Japanese under /ja/: translated interface, Japanese record titles, dates in both locales."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from tests.pages import days

PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_japanese_pages_render_translated_interface_strings(anon_client, world):
    text = anon_client.get("/ja/").text
    assert '<html lang="ja">' in text
    assert "本文へ移動" in text  # skip link
    assert ">案件</a>" in text  # nav: Opportunities
    assert "今後の締切" in text  # Upcoming deadlines
    assert "案件を検索" in text  # the search box's label
    assert "Upcoming deadlines" not in text


def test_japanese_listing_shows_japanese_titles_names_and_dates(anon_client, world):
    text = anon_client.get("/ja/opportunities/").text
    assert "高出力レーザー公募" in text  # title_ja where the record has one
    assert "DSEI Japan" in text  # and the English title where it has none
    assert "指向性エネルギー" in text  # area name_ja
    assert "防衛装備庁" in text  # organisation name_ja
    assert "絞り込みと並べ替え" in text
    deadline = days(10)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert "残り 10 日" in text
    assert 'href="/ja/opportunities/laser-call/"' in text


def test_japanese_listing_shows_japanese_summaries_and_marks_english_ones(anon_client, world):
    world["laser"].summary_ja = "ビームディレクターと高出力レーザー兵器の提案を募集する。"
    world["laser"].save()
    text = anon_client.get("/ja/opportunities/").text
    assert '<p lang="ja">ビームディレクターと高出力レーザー兵器の提案を募集する。</p>' in text
    cyber = '<span lang="en">Security operations tooling.</span> <span class="badge badge-english">英語</span>'
    assert cyber in text  # a record with no Japanese summary yet: the English, marked
    assert "Proposals for beam directors" not in text


def test_english_listing_keeps_english_titles_and_dates(anon_client, world):
    text = anon_client.get("/opportunities/").text
    assert "High-power laser call" in text
    assert "高出力レーザー公募" not in text
    with translation.override("en"):
        assert formats.date_format(days(10), "DATE_FORMAT") in text
    assert "10 days left" in text


def test_japanese_detail_page_shows_the_japanese_title_first(anon_client, world):
    text = anon_client.get("/ja/opportunities/laser-call/").text
    assert "<h1>高出力レーザー公募</h1>" in text
    assert '<span lang="en">High-power laser call</span>' in text
    assert "応募資格" in text


def test_japanese_my_matches_page(alice_client, alice_matches):
    text = alice_client.get("/ja/my/matches/").text
    assert "自社のマッチ" in text
    assert "課題解消プラン" in text
    assert "技術適合" in text  # the Capability component's label beside the bar
    assert "TRL 7 に到達する" in text


def test_deadlines_note_japan_time_and_leave_room_for_the_viewers_offset(anon_client, world):
    text = anon_client.get("/opportunities/").text
    assert "Dates and deadlines are in Japan time (JST, UTC+09:00)" in text
    assert "data-viewer-offset" in text  # static/js/kakehashi.js fills in the viewer's own offset
    assert 'datetime="' + days(10).isoformat() + 'T23:59+09:00"' in text


def _switch(client, page: str, language: str):
    """Submit the header's language form on PAGE, as a browser without JavaScript would."""
    html = client.get(page).text
    next_url = re.search(r'name="next" value="([^"]*)"', html).group(1).replace("&amp;", "&")
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_language_switch_keeps_the_page_and_its_query(anon_client, world):
    response = _switch(anon_client, "/opportunities/?kind=call", "ja")
    assert response.status_code == 302
    assert response["Location"] == "/ja/opportunities/?kind=call"
    # Back to English from a /ja/ page (the language cookie now says Japanese).
    back = _switch(anon_client, "/ja/opportunities/laser-call/", "en")
    assert back["Location"] == "/opportunities/laser-call/"


def test_the_switcher_is_a_labelled_form_posting_to_set_language(anon_client, db):
    text = anon_client.get("/").text
    assert 'action="/i18n/setlang/"' in text
    assert '<label for="language-select">' in text
    assert '<option value="ja" lang="ja">日本語</option>' in text


def _po_entries() -> dict[str, str]:
    """msgid -> msgstr (msgstr[0] for plurals) from the committed .po, joining continued lines."""
    entries = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        fields, current = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            entries[fields["msgid"]] = fields.get("msgstr", fields.get("msgstr[0]", ""))
    return entries


def test_every_interface_string_has_a_japanese_translation():
    untranslated = [msgid for msgid, msgstr in _po_entries().items() if not msgstr]
    assert untranslated == []


def test_the_committed_mo_is_compiled_from_the_po():
    catalogue = gettext.GNUTranslations(MO.open("rb"))
    stale = [
        msgid
        for msgid, msgstr in _po_entries().items()
        if "\\" not in msgid and catalogue.gettext(msgid) != msgstr.replace('\\"', '"')
    ]
    assert stale == [], "run: DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages -l ja --ignore=.venv"


NEEDS_GETTEXT = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs gettext (apt-get install gettext; .ci/run has it)"
)


def _made_messages(tmp_path: Path) -> str:
    """The catalogue makemessages writes from a copy of the project (the code and templates, not the tests), merged
    with ours: our entries the code no longer uses stay in it as obsolete `#~` entries."""
    skip = shutil.ignore_patterns(".git", ".venv", "node_modules", "staticfiles", "media", "tests", "bench", "*.pyc")
    copy = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, copy, ignore=skip)
    run = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location", "--no-wrap", "--ignore=.venv"],
        cwd=copy,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return (copy / "locale" / "ja" / "LC_MESSAGES" / "django.po").read_text()


@NEEDS_GETTEXT
def test_every_translatable_string_of_the_code_and_templates_has_a_japanese_translation(tmp_path):
    """makemessages on a copy of the project finds no msgid without a Japanese msgstr: nothing is left in English."""
    ours = PO.read_text().replace('"\n"', "")  # continuation lines joined, as --no-wrap writes them
    missing = []
    for block in _made_messages(tmp_path).split("\n\n"):
        msgid = re.search(r'^msgid "(.+)"$', block, re.M)
        if msgid is None or block.startswith("#~"):
            continue
        text = msgid.group(1)
        # A plural written with gettext_noop (matching/messages.py) is extracted as two plain msgids whose translation
        # lives in our plural entry, so makemessages' fuzzy guess for either is not a missing string.
        if f'msgid "{text}"\nmsgid_plural' in ours or f'msgid_plural "{text}"' in ours:
            continue
        last = block.split("msgstr")[-1]
        if "#, fuzzy" in block or (last.rstrip().endswith('""') and '\n"' not in last):
            missing.append(text)
    assert missing == []


@NEEDS_GETTEXT
def test_the_catalogue_keeps_no_entry_the_code_and_templates_no_longer_use(tmp_path):
    """Every entry of our catalogue is a string the code or a template still asks for: an old wording left behind
    would be translated for nobody, and a string only an f-string asks for (which makemessages cannot read, so the
    documented `--no-obsolete` run would drop its translation) must be asked for where makemessages sees it."""
    obsolete = re.findall(r'^#~ msgid "(.*)"$', _made_messages(tmp_path), re.M)

    assert obsolete == []


@pytest.mark.django_db
def test_a_runs_name_reads_japanese_on_japanese_pages():
    from tests.factories import MatchRunFactory

    run = MatchRunFactory()
    with translation.override("ja"):
        assert str(run).startswith(f"実行 {run.pk}（")


def test_japanese_text_names_the_product_in_japanese():
    """On /ja/ and in Japanese emails the product is 架け橋, as in the header, never the romanised name."""
    catalogue = gettext.GNUTranslations(MO.open("rb"))._catalog  # type: ignore[attr-defined]
    romanised = sorted(
        str(msgid)
        for msgid, text in catalogue.items()
        if msgid and "Kakehashi" in (text if isinstance(text, str) else "")
    )
    assert romanised == []
