"""Small Japanese wording: no stray space before が after a full-width bracket, one word for pipeline notes, and
country names as Japan's Ministry of Foreign Affairs writes them today."""

from django.utils import translation

from programmes.filters import country_choices
from tests.companies.test_company_profile_pages import edit, form_data
from tests.factories import CallFactory, CertificationFactory
from workspace.services import pipeline_entry_save


def test_a_certification_listed_twice_reads_without_a_stray_space_in_japanese(alice_client, firm_a):
    cert = CertificationFactory(code="iso-27001", name="ISO/IEC 27001", name_ja="ISO/IEC 27001（情報セキュリティ）")
    data = form_data(firm_a, **{"certifications-0-certification": cert.pk, "certifications-1-certification": cert.pk})

    page = alice_client.post("/ja" + edit(firm_a), data).content.decode()

    assert "）が重複しています。" in page
    assert "） が重複しています" not in page


def test_the_pipeline_history_names_notes_as_the_form_does(alice_client, alice, firm_a):
    pipeline_entry_save(company=firm_a, opportunity=CallFactory(slug="laser-call"), by=alice, notes="Call Hana")

    page = alice_client.get("/ja/workspace/firm-a/pipeline/laser-call/").text

    assert '<th scope="col">メモ</th>' in page
    assert "備考" not in page


def test_japanese_country_names_are_the_current_ones():
    with translation.override("ja"):
        names = dict(country_choices())
    shown = [names[code] for code in ("GE", "LU", "MV", "PS")]
    assert shown == ["ジョージア", "ルクセンブルク", "モルディブ", "パレスチナ"]
