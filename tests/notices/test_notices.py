"""Notices of rule changes: loaded from the curated file, shown on the home page, on records and in the API."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from notices.models import Notice
from notices.services import notices_load
from web.curated import curated_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture(scope="module")
def curated_and_notices(django_db_setup, django_db_blocker):
    """The real records and notices, loaded once for this module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        curated_load(directory=FIXTURES)
        notices_load(path=FIXTURES / "notices.yaml")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(curated_and_notices, db):
    """Each test's changes roll back to the module's loaded data."""


def test_the_export_rule_notice_is_dated_sourced_and_linked(loaded):
    notice = Notice.objects.get(slug="export-rules-revision-2026-04")
    assert notice.dated_on == datetime.date(2026, 4, 21) and notice.confidence == "medium"
    assert "five-category" in notice.summary and "17 countries" in notice.summary
    assert {source.publisher for source in notice.sources.all()} == {"The Defense News", "Trade World News"}
    assert "gcap" in set(notice.records.values_list("slug", flat=True))
    strategy = Notice.objects.get(slug="security-documents-revision-2026")
    assert strategy.due_by == datetime.date(2026, 12, 31) and strategy.records.count() == 7


def test_loading_twice_keeps_one_copy_and_writes_no_history(loaded):
    rows = Notice.history.count()
    notices_load(path=FIXTURES / "notices.yaml")
    assert Notice.objects.count() == 2 and Notice.objects.get(slug="export-rules-revision-2026-04").sources.count() == 2
    assert Notice.history.count() == rows


def test_saving_a_notice_unchanged_in_the_admin_writes_no_history(loaded, consultant_client):
    from tests.programmes.test_admin import _form_data

    notice = Notice.objects.get(slug="export-rules-revision-2026-04")
    url = f"/admin/notices/notice/{notice.pk}/change/"
    rows = notice.history.count()

    response = consultant_client.post(url, _form_data(consultant_client.get(url)))

    assert response.status_code == 302, response.context and response.context["errors"]
    assert notice.history.count() == rows
    data = _form_data(consultant_client.get(url)) | {"title": "Export rules revised"}
    assert consultant_client.post(url, data).status_code == 302
    assert notice.history.count() == rows + 1


def test_a_notice_naming_an_unknown_record_writes_nothing(db, tmp_path):
    bad = tmp_path / "notices.yaml"
    bad.write_text("- slug: x\n  title: X\n  summary: S\n  dated_on: 2026-01-01\n  records: [no-such-record]\n")
    before = Notice.objects.count()  # other tests of this module may have loaded the curated notices
    with pytest.raises(CommandError, match="unknown opportunity no-such-record"):
        call_command("load_notices", str(bad))
    assert Notice.objects.count() == before and not Notice.objects.filter(slug="x").exists()


def test_a_notice_source_read_after_today_is_refused_naming_the_notice_and_field(db, tmp_path):
    bad = tmp_path / "notices.yaml"
    bad.write_text(
        "- slug: y\n  title: Y\n  summary: S\n  dated_on: 2026-01-01\n"
        "  sources: [{url: 'https://www.meti.go.jp/', accessed_on: 2099-01-01}]\n"
    )
    before = Notice.objects.count()
    with pytest.raises(CommandError, match=r"notice y, source https://www.meti.go.jp/: .*accessed_on.*after today"):
        call_command("load_notices", str(bad))
    assert Notice.objects.count() == before and not Notice.objects.filter(slug="y").exists()


def test_a_notice_source_read_after_today_is_refused_in_the_admin(loaded, consultant_client):
    notice = Notice.objects.order_by("pk").first()
    url = f"/admin/notices/notice/{notice.pk}/change/"
    form = consultant_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    sources = list(notice.sources.order_by("pk"))
    data |= {
        "sources-TOTAL_FORMS": len(sources),
        "sources-INITIAL_FORMS": len(sources),
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
    }
    for i, source in enumerate(sources):
        data |= {
            f"sources-{i}-id": source.pk,
            f"sources-{i}-notice": notice.pk,
            f"sources-{i}-url": source.url,
            f"sources-{i}-title": source.title,
            f"sources-{i}-publisher": source.publisher,
            f"sources-{i}-accessed_on": "2099-01-01" if i == 0 else source.accessed_on or "",
            f"sources-{i}-confidence": source.confidence,
        }
    response = consultant_client.post(url, data)
    assert response.status_code == 200
    assert "cannot be after today" in response.text
    assert notice.sources.order_by("pk").first().accessed_on != datetime.date(2099, 1, 1)


def test_notices_show_on_the_home_page_and_the_affected_record(loaded, anon_client):
    home = anon_client.get("/").content.decode()
    assert "Rule and policy changes" in home and "the five categories are scrapped" in home
    record = anon_client.get("/opportunities/gcap/").content.decode()
    assert "Rule and policy changes affecting this record" in record and "21 April 2026" in record


def test_the_notices_api_lists_and_filters(loaded, anon_client):
    body = anon_client.get("/api/v1/notices/").json()
    assert [row["slug"] for row in body["results"]] == [
        "export-rules-revision-2026-04",
        "security-documents-revision-2026",
    ]
    by_record = anon_client.get("/api/v1/notices/", {"record": "nds-iamd"}).json()["results"]
    assert [row["slug"] for row in by_record] == ["security-documents-revision-2026"]
    by_country = anon_client.get("/api/v1/notices/", {"country": "AU"}).json()["results"]
    assert {row["slug"] for row in by_country} == {"export-rules-revision-2026-04", "security-documents-revision-2026"}
    detail = anon_client.get("/api/v1/notices/export-rules-revision-2026-04/").json()
    assert detail["countries"] == ["AU", "GB", "US"] and detail["sources"][0]["url"].startswith("https://")


@pytest.mark.parametrize(
    ("parameter", "value"), [("country", "ZZ"), ("area", "warp-drive"), ("record", "no-such-record")]
)
def test_a_notice_filter_naming_nothing_is_a_400_naming_the_parameter(loaded, anon_client, parameter, value):
    response = anon_client.get("/api/v1/notices/", {parameter: value})
    assert response.status_code == 400 and set(response.json()) == {parameter}


def test_the_country_filter_takes_a_code_in_any_case_and_an_archived_record_still_finds_its_notices(
    loaded, anon_client
):
    upper = anon_client.get("/api/v1/notices/", {"country": "AU"}).json()["results"]
    assert anon_client.get("/api/v1/notices/", {"country": "au"}).json()["results"] == upper
    from programmes.models import Opportunity

    Opportunity.objects.filter(slug="nds-iamd").update(status=Opportunity.Status.ARCHIVED)
    by_record = anon_client.get("/api/v1/notices/", {"record": "nds-iamd"})
    assert by_record.status_code == 200
    assert [row["slug"] for row in by_record.json()["results"]] == ["security-documents-revision-2026"]


def test_the_notice_filters_take_an_area_slug(loaded, anon_client):
    from programmes.models import TechnologyArea

    notice = Notice.objects.get(slug="export-rules-revision-2026-04")
    notice.technology_areas.add(TechnologyArea.objects.get(slug="space"))
    results = anon_client.get("/api/v1/notices/", {"area": "space"}).json()["results"]
    any_area = "security-documents-revision-2026"  # names no area, so it applies to any area
    assert [row["slug"] for row in results] == [notice.slug, any_area]
    assert [row["slug"] for row in anon_client.get("/api/v1/notices/", {"area": "cyber"}).json()["results"]] == [
        any_area
    ]


def test_a_draft_notice_is_not_served(loaded, anon_client):
    Notice.objects.filter(slug="export-rules-revision-2026-04").update(status="draft")
    assert anon_client.get("/api/v1/notices/export-rules-revision-2026-04/").status_code == 404
    assert "five categories" not in anon_client.get("/").content.decode()


def test_the_notices_api_reads_japanese_under_accept_language_ja(loaded, anon_client):
    detail = anon_client.get("/api/v1/notices/export-rules-revision-2026-04/", HTTP_ACCEPT_LANGUAGE="ja")
    text = detail.json()["localised"]
    assert text["lang"] == "ja" and text["title_lang"] == "ja" and text["summary_lang"] == "ja"
    assert text["title"].startswith("防衛装備移転三原則") and "2026年4月21日" in text["summary"]
    assert detail["Content-Language"] == "ja"
    english = anon_client.get("/api/v1/notices/", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ja").json()["results"][0]
    assert english["localised"]["title"] == english["title"] and english["localised"]["lang"] == "en"


def test_every_curated_notice_has_its_japanese_title_and_summary(loaded):
    assert not Notice.objects.filter(title_ja="").exists()
    assert not Notice.objects.filter(summary_ja="").exists()


def test_a_notice_without_a_japanese_summary_is_marked_english(loaded, anon_client):
    Notice.objects.filter(slug="security-documents-revision-2026").update(summary_ja="")
    row = anon_client.get("/api/v1/notices/security-documents-revision-2026/", {"lang": "ja"}).json()["localised"]
    assert (row["title_lang"], row["summary_lang"]) == ("ja", "en")
    assert row["summary"].startswith("The three security documents")


def test_a_notice_names_only_the_records_its_reader_may_see(anon_client, consultant_client, db):
    """A published notice linked to a draft record does not name the draft on its page or in the API."""
    import datetime

    from notices.models import Notice
    from tests.factories import OpportunityFactory

    shown = OpportunityFactory(slug="open-programme", title="Open programme")
    draft = OpportunityFactory(slug="secret-draft", title="Unannounced programme", status="draft")
    notice = Notice.objects.create(
        slug="rules-2027", title="Rules revised", summary="New rules.", dated_on=datetime.date(2026, 11, 1),
        status=Notice.Status.PUBLISHED, countries=["AU"],
    )  # fmt: skip
    notice.records.add(shown, draft)

    page = anon_client.get("/notices/rules-2027/").text
    api = anon_client.get("/api/v1/notices/rules-2027/").json()
    listed = anon_client.get("/api/v1/notices/").json()["results"][0]

    assert "Open programme" in page and "Unannounced programme" not in page and "secret-draft" not in page
    assert api["records"] == listed["records"] == ["open-programme"]
    assert consultant_client.get("/api/v1/notices/rules-2027/").json()["records"] == ["open-programme", "secret-draft"]


def test_a_notices_own_address_is_its_page_and_its_change_events_keep_the_api_address(anon_client, db):
    """The admin's "View on site" opened JSON; change-feed clients still read the API address they always had."""
    import datetime

    from notices.models import Notice
    from notices.services import notice_published_record
    from portal.models import ChangeEvent

    notice = Notice.objects.create(
        slug="rules-2028", title="Rules revised", summary="New rules.", dated_on=datetime.date(2026, 11, 1),
        status=Notice.Status.PUBLISHED, countries=["AU"],
    )  # fmt: skip

    notice_published_record(notice=notice)

    page = anon_client.get(notice.get_absolute_url())
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    urls = [e.data["url"] for e in ChangeEvent.objects.filter(subject_type="notice", subject_id=notice.pk)]
    assert urls and set(urls) == {"/api/v1/notices/rules-2028/"}


@pytest.mark.django_db
def test_a_notice_published_without_a_source_is_refused_with_the_notices_own_words():
    from django.core.exceptions import ValidationError

    from notices.services import notice_save

    notice = Notice(
        slug="rules-2027", title="Rules", summary="s", dated_on=datetime.date(2026, 11, 1), status="published"
    )

    with pytest.raises(ValidationError) as refused:
        notice_save(notice=notice, by=None, reason="Created")

    assert refused.value.message_dict == {"sources": ["A published notice keeps at least one source."]}
    assert not Notice.objects.filter(slug="rules-2027").exists()


def test_a_client_polling_a_notice_by_etag_gets_304_until_it_changes_and_per_language(loaded, anon_client):
    url = "/api/v1/notices/export-rules-revision-2026-04/"
    first = anon_client.get(url)
    unchanged = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    japanese = anon_client.get(url, HTTP_ACCEPT_LANGUAGE="ja", HTTP_IF_NONE_MATCH=first["ETag"])
    Notice.objects.filter(slug="export-rules-revision-2026-04").update(summary="Revised again.")
    changed = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"].startswith('"')
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert japanese.status_code == 200  # the English copy's ETag is not the Japanese answer's
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.json()["summary"] == "Revised again."
