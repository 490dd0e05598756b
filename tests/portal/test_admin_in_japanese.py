"""The admin's index under /ja/ names every app and model in Japanese."""

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client

from portal.curation import CHANGE_REASON
from programmes.models import Opportunity
from programmes.services import opportunity_publish, opportunity_update, opportunity_verify
from tests.factories import CallFactory, OrganisationFactory, TechnologyAreaFactory, UserFactory


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


@pytest.fixture
def edited_call(consultant):
    """A draft call loaded by the curated fixture load, then given a deadline, a flag and published."""
    # A fixed opening date: the deadline below is a fixed date too, and must stay after it whatever day it is.
    call = CallFactory(
        slug="gcap-call",
        title="GCAP call",
        status=Opportunity.Status.DRAFT,
        opens_on=datetime.date(2026, 11, 1),
        closes_on=None,
    )
    call._change_reason = CHANGE_REASON
    call.save()
    opportunity_update(
        opportunity=call,
        data={"closes_on": datetime.date(2026, 11, 24), "japanese_entity": True},
        by=consultant,
        reason="",
    )
    opportunity_publish(opportunity=call, by=consultant)
    return call


def _diffs(text: str) -> list[str]:
    """The history page's diff lines, as a reader sees them ("Status: Draft → Published")."""
    items = re.findall(r"<li>\s*<strong>(.*?)</strong>\s*(.*?)\s*&nbsp;&rarr;&nbsp;&nbsp;(.*?)\s*</li>", text, re.S)
    lines = [re.sub(r"\s+", " ", f"{field} {old} → {new}") for field, old, new in items]
    return [line.replace("： ", "：") for line in lines]  # HTML's spaces between the tags, as a browser collapses them


def test_a_records_history_diffs_read_in_japanese_under_ja(consultant_client, edited_call):
    text = consultant_client.get(f"/ja/admin/programmes/opportunity/{edited_call.pk}/history/").text
    assert "{#" not in text and "simple-history's list" not in text  # the template's own note is not on the page

    diffs = _diffs(text)
    assert "状態：下書き → 公開" in diffs
    assert "締切日：なし → 2026年11月24日" in diffs
    assert any(line.endswith("いいえ → はい") for line in diffs), diffs
    for raw in ("draft", "None", "True", "False", "2026-11-24"):
        assert raw not in " ".join(diffs)
    assert "キュレーション済みデータの読み込み" in text  # the curated load's reason, stored in English
    assert "curated fixture load" not in text


def test_the_english_history_diffs_name_labels_and_dates_too(consultant_client, edited_call):
    diffs = _diffs(consultant_client.get(f"/admin/programmes/opportunity/{edited_call.pk}/history/").text)

    assert "Status: Draft → Published" in diffs
    assert "Closes on: none → 24 November 2026" in diffs
    assert any(line.endswith("no → yes") for line in diffs), diffs
    edited_call.history.filter(history_change_reason=CHANGE_REASON).get()  # stored as written


def test_the_history_names_a_verifier_and_linked_records_in_japanese_in_full(
    consultant, consultant_client, edited_call
):
    names = [
        ("atla", "Acquisition, Technology & Logistics Agency", "防衛装備庁"),
        ("mod", "Ministry of Defense", "防衛省"),
    ]
    organisations = [OrganisationFactory(slug=slug, name=name, name_ja=ja) for slug, name, ja in names]
    opportunity_update(opportunity=edited_call, data={"organisations": organisations}, by=consultant, reason="")
    opportunity_verify(opportunity=edited_call, by=consultant)

    diffs = _diffs(consultant_client.get(f"/ja/admin/programmes/opportunity/{edited_call.pk}/history/").text)
    english = _diffs(consultant_client.get(f"/admin/programmes/opportunity/{edited_call.pk}/history/").text)

    assert any(line.endswith("なし → consultant") for line in diffs), diffs  # not "Deleted ユーザー (pk=None)"
    assert any(line.endswith("なし → 防衛省、防衛装備庁") for line in diffs), diffs
    assert any(
        line.endswith("none → Acquisition, Technology &amp; Logistics Agency, Ministry of Defense") for line in english
    ), english
    assert "pk=None" not in " ".join(diffs + english) and "chars]" not in " ".join(diffs + english)


# Words a Japanese consultant reads in Latin letters on purpose: acronyms and codes that are the same in both
# languages (the catalogue translates "TRL" and "URL" to themselves), and the primary key's "ID".
LATIN_ON_PURPOSE = {"ID", "URL", "TRL", "ETag", "ITAR", "EAR", "API"}


@pytest.fixture
def admin_rows(db):
    """A row of every model the admin lists, with the inline rows its change page shows."""
    from matching.models import AreaDismissal
    from notices.models import Notice, NoticeSource
    from partners.models import ForeignPartnership, Introduction, Partner, PartnerArea, PartnerSource
    from programmes.models import Source
    from sources.models import SourceChange, SourceFetch, SourceWatch
    from tests.factories import (
        CertificationFactory,
        CompanyFactory,
        MatchFactory,
        MatchRunFactory,
        MembershipFactory,
        OpportunityFactory,
        TechnologyAreaFactory,
    )
    from workspace.models import MatchFeedback, PipelineEntry

    area = TechnologyAreaFactory(slug="uav", name="UAV")
    company = CompanyFactory(slug="acme", name="Acme", areas=[area], certs=[CertificationFactory(code="as9100d")])
    MembershipFactory(company=company)
    opportunity = OpportunityFactory(slug="gcap", title="GCAP", areas=[area])
    opportunity.organisations.add(OrganisationFactory(slug="atla", name="ATLA"))
    run = MatchRunFactory(scope="company", company=company)
    MatchFactory(company=company, opportunity=opportunity, run=run)
    partner = Partner.objects.create(slug="mhi", name="Mitsubishi", role="prime", size="large", capabilities="Jets")
    PartnerArea.objects.create(partner=partner, technology_area=area)
    PartnerSource.objects.create(partner=partner, url="https://example.org/mhi")
    ForeignPartnership.objects.create(
        partner=partner, counterpart="BAE", country="GB", summary="GCAP", source_url="https://example.org/bae"
    )
    Introduction.objects.create(company=company, partner=partner, opportunity=opportunity, message="Hello")
    notice = Notice.objects.create(slug="rule", title="A rule", summary="Changed.", dated_on=datetime.date(2026, 4, 1))
    NoticeSource.objects.create(notice=notice, url="https://example.org/rule")
    watch = SourceWatch.objects.create(source=Source.objects.get(opportunity=opportunity))
    SourceFetch.objects.create(watch=watch, outcome=SourceFetch.Outcome.choices[0][0])
    SourceChange.objects.create(watch=watch)
    PipelineEntry.objects.create(company=company, opportunity=opportunity)
    MatchFeedback.objects.create(company=company, opportunity=opportunity, reason=MatchFeedback.Reason.choices[0][0])
    AreaDismissal.objects.create(company=company, technology_area=area)


def _english_words(html: str) -> list[str]:
    """The column headers, filter titles and field labels of an admin page that are written in English words."""
    pieces = re.findall(r"<th (?:scope=\"col\"|class=\"column-)[^>]*>(.*?)</th>", html, re.S)  # list, inline columns
    pieces += re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)  # form fields, read-only fields
    pieces += re.findall(r'<details data-filter-title="([^"]*)"', html)  # filters ("… で絞り込む")
    found = []
    for piece in pieces:
        text = re.sub(r"<[^>]+>", "", piece).strip().rstrip(":：*").strip()
        if re.fullmatch(r"[A-Za-z][A-Za-z .()/-]*", text) and text not in LATIN_ON_PURPOSE:
            found.append(text)
    return found


def test_every_admin_list_and_change_page_under_ja_labels_its_fields_in_japanese(admin_rows):
    from django.contrib import admin
    from django.urls import reverse
    from django.utils import translation

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    english = {}
    for model in admin.site._registry:
        if model._meta.app_label in ("axes", "auth"):
            continue  # the libraries' own admins, in their own catalogues
        info = (model._meta.app_label, model._meta.model_name)
        row = model._default_manager.first()
        with translation.override("ja"):  # the pages' addresses under /ja/
            urls = [reverse("admin:{}_{}_changelist".format(*info))]
            if row is not None:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if words := _english_words(response.text):
                english[response.request["PATH_INFO"]] = words
    assert english == {}, "\n".join(f"{page}: {words}" for page, words in english.items())


def test_a_match_runs_page_names_its_scope_and_status_in_the_readers_words(consultant_client):
    from tests.factories import CompanyFactory, MatchRunFactory

    run = MatchRunFactory(scope="company", company=CompanyFactory(), status="succeeded")

    japanese = consultant_client.get(f"/ja/admin/matching/matchrun/{run.pk}/change/").text
    english = consultant_client.get(f"/admin/matching/matchrun/{run.pk}/change/").text

    assert f"<h2>実行 {run.pk}（1 社、成功）</h2>" in japanese
    assert f"<h2>Run {run.pk} (One firm, Succeeded)</h2>" in english
    assert "(company, succeeded)" not in japanese + english


def test_no_history_page_offers_to_revert_and_no_revert_is_taken(consultant_client):
    """Reverting would skip the services' validation and reasons, for notices as for curated records."""
    from notices.models import Notice

    notice = Notice.objects.create(slug="rule", title="A rule", summary="Changed.", dated_on=datetime.date(2026, 4, 1))
    row = notice.history.get()

    japanese = consultant_client.get(f"/ja/admin/notices/notice/{notice.pk}/history/").text
    english = consultant_client.get(f"/admin/notices/notice/{notice.pk}/history/").text
    revert = consultant_client.post(f"/admin/notices/notice/{notice.pk}/history/{row.history_id}/", {"title": "Old"})

    assert "<h1>履歴を表示：A rule</h1>" in japanese
    assert "Choose a date" not in japanese + english and "revert" not in english.lower()
    assert revert.status_code == 403
    notice.refresh_from_db()
    assert notice.title == "A rule" and notice.history.count() == 1


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_a_consultant_opens_an_old_version_of_a_record_from_its_history(consultant_client, prefix):
    from partners.models import Partner
    from tests.factories import OpportunityFactory, OrganisationFactory, TechnologyAreaFactory

    partner = Partner.objects.create(
        slug="shipyard", name="Shipyard KK", role="prime", size="large", capabilities="Ships"
    )
    for record, path in (
        (OpportunityFactory(slug="gcap", title="GCAP"), "programmes/opportunity"),
        (OrganisationFactory(slug="atla", name="ATLA"), "programmes/organisation"),
        (TechnologyAreaFactory(slug="uuv", name="Uncrewed underwater vehicles"), "programmes/technologyarea"),
        (partner, "partners/partner"),
    ):
        row = record.history.order_by("history_id").first()

        response = consultant_client.get(f"{prefix}/admin/{path}/{record.pk}/history/{row.history_id}/")

        assert response.status_code == 200, path
        assert record.slug in response.text


def _changed_by(text: str) -> list[str]:
    """The "changed by" cell of each row of a history page (after the record, the date and the kind of change)."""
    rows = re.findall(r"<tr>(.*?)</tr>", text.split("<tbody>", 1)[1], re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    return [re.sub(r"<[^>]+>|\s+", " ", row[3]).strip() for row in cells]


def test_a_history_row_nobody_made_reads_none_in_either_language(consultant_client):
    from notices.models import Notice

    notice = Notice.objects.create(slug="rule", title="A rule", summary="Loaded.", dated_on=datetime.date(2026, 4, 1))

    assert _changed_by(consultant_client.get(f"/admin/notices/notice/{notice.pk}/history/").text) == ["none"]
    assert _changed_by(consultant_client.get(f"/ja/admin/notices/notice/{notice.pk}/history/").text) == ["なし"]


def _column(text: str, name: str) -> list[str]:
    """The cells of a changelist's column NAME (its CSS class is field-NAME), as a reader sees them."""
    cells = re.findall(rf'<(?:td|th) class="field-{name}[^"]*"[^>]*>(.*?)</(?:td|th)>', text, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_japanese_admin_lists_name_records_by_their_japanese_names(consultant_client):
    from matching.models import Match
    from partners.models import Introduction, Partner
    from tests.factories import CompanyFactory, EventFactory, MatchFactory

    dsei = EventFactory(title="DSEI Japan 2027 (expected; dates not announced)", title_ja="DSEI Japan 2027（予定）")
    partner = Partner.objects.create(
        slug="mhi", name="Mitsubishi Heavy Industries", name_ja="三菱重工業", city="Tokyo", city_ja="東京",
        role="prime", size="large", capabilities="Jets",
    )  # fmt: skip
    company = CompanyFactory(name="Acme")
    Introduction.objects.create(company=company, partner=partner, opportunity=dsei, message="Hello")
    MatchFactory(company=company, opportunity=dsei)

    opportunities = consultant_client.get("/ja/admin/programmes/opportunity/").text
    introductions = consultant_client.get("/ja/admin/partners/introduction/").text
    partners = consultant_client.get("/ja/admin/partners/partner/").text
    matches = consultant_client.get("/ja/admin/matching/match/").text
    english = consultant_client.get("/admin/partners/introduction/").text

    assert "DSEI Japan 2027（予定）" in _column(opportunities, "localised_title")
    assert _column(introductions, "localised_partner") == ["三菱重工業"]
    assert _column(introductions, "localised_opportunity") == ["DSEI Japan 2027（予定）"]
    assert _column(partners, "localised_city") == ["東京"]
    assert _column(matches, "localised_opportunity") == ["DSEI Japan 2027（予定）"] and Match.objects.count() == 1
    assert _column(english, "localised_partner") == ["Mitsubishi Heavy Industries"]
    assert _column(english, "localised_opportunity") == ["DSEI Japan 2027 (expected; dates not announced)"]


def test_a_memberships_page_names_the_role_by_its_label(consultant_client):
    from tests.factories import CertificationFactory, CompanyFactory, MembershipFactory

    company = CompanyFactory(name="Acme", certs=[CertificationFactory(code="as9100d", name="AS9100D")])
    membership = MembershipFactory(user=UserFactory(username="alice"), company=company, role="editor")

    japanese = consultant_client.get(f"/ja/admin/companies/membership/{membership.pk}/change/").text
    english = consultant_client.get(f"/admin/companies/membership/{membership.pk}/change/").text
    firm = consultant_client.get(f"/ja/admin/companies/company/{company.pk}/change/").text

    assert "<h2>Acme の alice（編集者）</h2>" in japanese
    assert "<h2>alice (Editor) at Acme</h2>" in english
    assert "Acme：AS9100D" in firm and "holds" not in firm  # the certificate inline's row


def test_no_template_opens_a_one_line_comment_it_does_not_close_on_the_same_line():
    """Django's {# #} ends at the line's end: one spread over two lines is shown to the reader as text."""
    root = Path(__file__).resolve().parents[2] / "templates"
    open_ended = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.html")) + sorted(root.rglob("*.txt"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert not open_ended


def test_the_japanese_admin_offers_areas_and_records_by_their_japanese_names(consultant_client):
    from tests.factories import OpportunityFactory, TechnologyAreaFactory

    area = TechnologyAreaFactory(slug="space", name="Space", name_ja="宇宙")
    record = OpportunityFactory(slug="space-call", title="Space call", title_ja="宇宙の公募", areas=[area])

    company_form = consultant_client.get("/ja/admin/companies/company/add/").text
    assert ">宇宙</option>" in company_form and ">Space</option>" not in company_form
    notice_form = consultant_client.get("/ja/admin/notices/notice/add/").text
    assert ">宇宙の公募</option>" in notice_form
    found = consultant_client.get(
        "/ja/admin/autocomplete/",
        {"app_label": "programmes", "model_name": "opportunityarea", "field_name": "technology_area", "term": "sp"},
    ).json()
    assert [row["text"] for row in found["results"]] == ["宇宙"]

    english = consultant_client.get("/admin/companies/company/add/").text
    assert (
        ">Space</option>" in english and record.title_ja not in consultant_client.get("/admin/notices/notice/add/").text
    )


def test_what_a_japanese_consultant_changes_is_stored_in_the_sites_language(consultant_client):
    from django.contrib.admin.models import LogEntry
    from django.forms import inlineformset_factory
    from django.utils import translation

    from programmes.admin_curation import inline_changes
    from programmes.models import OpportunityArea
    from tests.factories import OpportunityFactory, TechnologyAreaFactory

    area = TechnologyAreaFactory(slug="space", name="Space", name_ja="宇宙", description="Satellites.")
    form = {
        "slug": "space",
        "name": "Space",
        "name_ja": "宇宙",
        "name_kana": "うちゅう",
        "description": "Satellites and launch.",
        "keywords": "satellite",
        "related_terms": "",
    }
    response = consultant_client.post(f"/ja/admin/programmes/technologyarea/{area.pk}/change/", form)
    assert response.status_code == 302
    assert LogEntry.objects.get().object_repr == "Space"  # "Recent actions" is shared by every reader

    record = OpportunityFactory(slug="space-call", areas=[area])
    link = record.area_links.get()
    formset_class = inlineformset_factory(type(record), OpportunityArea, fields=("technology_area", "weight"), extra=0)
    data = {
        "area_links-TOTAL_FORMS": "1",
        "area_links-INITIAL_FORMS": "1",
        "area_links-0-id": str(link.pk),
        "area_links-0-technology_area": str(area.pk),
        "area_links-0-weight": "0.5",
    }
    with translation.override("ja"):
        formset = formset_class(data, instance=record, prefix="area_links")
        assert formset.is_valid(), formset.errors
        assert inline_changes([formset]) == ["changed technology area of an opportunity “Space (0.50)”"]


def test_a_change_of_an_areas_weight_alone_shows_the_weights_in_the_admin_history(
    consultant, consultant_client, edited_call
):
    area = TechnologyAreaFactory(slug="ai-autonomy", name="AI and autonomy", name_ja="AI・自律")
    opportunity_update(opportunity=edited_call, data={"areas": {area: 1.0}}, by=consultant, reason="")
    opportunity_update(opportunity=edited_call, data={"areas": {area: 0.5}}, by=consultant, reason="")

    english = _diffs(consultant_client.get(f"/admin/programmes/opportunity/{edited_call.pk}/history/").text)
    japanese = _diffs(consultant_client.get(f"/ja/admin/programmes/opportunity/{edited_call.pk}/history/").text)

    assert any(line.endswith("AI and autonomy (1) → AI and autonomy (0.5)") for line in english), english
    assert any(line.endswith("AI・自律（1） → AI・自律（0.5）") for line in japanese), japanese


def test_an_introductions_page_names_its_partner_in_japanese_and_links_to_the_partners_page(consultant_client):
    from partners.models import Introduction, Partner
    from tests.factories import CompanyFactory, EventFactory

    dsei = EventFactory(title="DSEI Japan 2027", title_ja="DSEI Japan 2027（予定）")
    partner = Partner.objects.create(
        slug="mhi", name="Mitsubishi Heavy Industries", name_ja="三菱重工業", role="prime", size="large",
        capabilities="Jets",
    )  # fmt: skip
    ask = Introduction.objects.create(company=CompanyFactory(name="Acme"), partner=partner, opportunity=dsei)

    japanese = consultant_client.get(f"/ja/admin/partners/introduction/{ask.pk}/change/").text
    english = consultant_client.get(f"/admin/partners/introduction/{ask.pk}/change/").text

    assert f'<a href="/ja/admin/partners/partner/{partner.pk}/change/">三菱重工業</a>' in japanese
    assert f'<a href="/ja/admin/programmes/opportunity/{dsei.pk}/change/">DSEI Japan 2027（予定）</a>' in japanese
    assert "Mitsubishi" not in japanese
    assert f'<a href="/admin/partners/partner/{partner.pk}/change/">Mitsubishi Heavy Industries</a>' in english


def test_an_introduction_for_no_opportunity_shows_the_admins_dash_not_none(consultant_client):
    from partners.models import Introduction, Partner
    from tests.factories import CompanyFactory

    partner = Partner.objects.create(
        slug="mhi", name="Mitsubishi Heavy Industries", name_ja="三菱重工業", role="prime", size="large",
        capabilities="Jets",
    )  # fmt: skip
    ask = Introduction.objects.create(company=CompanyFactory(name="Acme"), partner=partner)

    for prefix in ("", "/ja"):
        page = consultant_client.get(f"{prefix}/admin/partners/introduction/{ask.pk}/change/").text
        shown = re.search(r'(?s)field-opportunity_link">.*?class="readonly">(.*?)</div>', page)
        assert shown is not None
        assert shown[1] == "-"
