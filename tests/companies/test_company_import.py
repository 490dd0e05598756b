"""The CSV import: every refusal names its line and field and writes nothing; good files write everything once."""

import datetime
import io
import itertools
import math
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from companies import importing
from companies.importing import CompanyImportError, companies_import
from companies.models import Company, CompanyCertification
from tests.factories import CertificationFactory, CompanyFactory, TechnologyAreaFactory

HEADER = "name,country,size,founded,website,description,technology_areas,trl,certifications\n"
GOOD = "Acme Photonics,AU,sme,2012,https://acme.example.com,Beam directors for lasers,directed-energy;space,6,as9100d\n"


@pytest.fixture
def reference(db):
    """The areas and certification codes the files below name."""
    for slug in ("directed-energy", "space", "uav"):
        TechnologyAreaFactory(slug=slug)
    for code in ("as9100d", "iso-9001"):
        CertificationFactory(code=code)


@pytest.fixture
def rescore(rescores):
    return rescores


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode()


def refusal(data: bytes) -> list[str]:
    with pytest.raises(CompanyImportError) as caught:
        companies_import(data=data, by=None)
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Acme,XX,sme,2012,,Makes lasers,,,\n", "line 3, field country: unknown country 'XX'"),
        ("Acme,AU,huge,2012,,Makes lasers,,,\n", "line 3, field size: 'huge' is not a size"),
        ("Acme,AU,sme,2012,,Makes lasers,,10,\n", "line 3, field trl: TRL '10' is out of range"),
        ("Acme,AU,sme,2012,,Makes lasers,,0,\n", "line 3, field trl: TRL '0' is out of range"),
        ("Acme,AU,sme,2012,,Makes lasers,,six,\n", "line 3, field trl: TRL 'six' is not a whole number"),
        (
            "Acme,AU,sme,2012,,Makes lasers,railguns,,\n",
            "line 3, field technology_areas: unknown technology area 'railguns'",
        ),
        (
            "Acme,AU,sme,2012,,Makes lasers,,,iso-27001\n",
            "line 3, field certifications: unknown certification code 'iso-27001'",
        ),
        (",AU,sme,2012,,Makes lasers,,,\n", "line 3, field name: empty name"),
        ("!!!,AU,sme,2012,,Makes lasers,,,\n", "line 3, field name: '!!!' has no letters or digits"),
        ("Acme,AU,sme,2012,,  ,,,\n", "line 3, field description: empty description"),
        ("Acme,AU,sme,2012,acme dot com,Makes lasers,,,\n", "line 3, field website: malformed URL 'acme dot com'"),
        ("Acme,AU,sme,1492,,Makes lasers,,,\n", "line 3, field founded: '1492' is not a year"),
        ("Acme,AU,sme,soon,,Makes lasers,,,\n", "line 3, field founded: 'soon' is not a year"),
        # Digits int() cannot read (superscripts, circled numbers) were a crash, not a refusal naming the field.
        ("Acme,AU,sme,²⁰¹²,,Makes lasers,,,\n", "line 3, field founded: '²⁰¹²' is not a year"),
        ("Acme,AU,sme,①,,Makes lasers,,,\n", "line 3, field founded: '①' is not a year"),
        ("Acme,AU,sme,2012,,Makes lasers\n", "line 3, field row: expected 9 columns but found 6"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_field_and_nothing_is_written(reference, rescore, row, expected):
    errors = refusal(csv_bytes(GOOD, row))

    assert len(errors) == 1
    assert errors[0].startswith(expected)
    assert not Company.objects.exists()
    assert rescore.targets() == [] and rescore.enqueues == []


def test_a_nul_character_is_refused_naming_its_field(reference):
    assert refusal(csv_bytes("Acme,AU,sme,2012,,Makes\x00 lasers,,,\n")) == [
        "line 2, field description: contains a NUL character"
    ]
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "line 2, field trl: TRL '5.0' is not a whole number: use a whole number from 1 to 9, or leave it empty"),
        ("ja", "2 行目、項目 trl：TRL「5.0」は整数ではありません。1 から 9 の整数にするか、空欄にしてください"),
    ],
)
def test_a_trl_with_decimals_is_refused_as_not_a_whole_number_not_as_out_of_range(reference, language, expected):
    with translation.override(language):
        errors = refusal(csv_bytes("Acme,AU,sme,2012,,Makes lasers,,5.0,\n"))

    assert errors == [expected]
    assert not Company.objects.exists()


def test_unknown_areas_and_certifications_are_quoted_with_japanese_marks_in_japanese(reference):
    with translation.override("ja"):
        errors = refusal(csv_bytes("Acme,XX,sme,2012,,Makes lasers,railguns;uav;phasers,,iso-27001\n"))

    assert errors == [
        "2 行目、項目 country：不明な国「XX」です。AU、US、JP のような ISO 3166 の 2 文字コードを使ってください",
        "2 行目、項目 technology_areas：不明な技術分野「railguns」、「phasers」",
        "2 行目、項目 certifications：不明な認証コード「iso-27001」",
    ]
    assert not any("'" in error for error in errors)


def test_every_bad_row_is_reported_not_just_the_first(reference):
    errors = refusal(csv_bytes("Acme,XX,sme,,,Lasers,,,\n", GOOD, "Beta,AU,sme,,,Drones,,11,\n"))

    assert [error.split(":")[0] for error in errors] == ["line 2, field country", "line 4, field trl"]


def test_a_row_with_several_bad_fields_names_each(reference):
    errors = refusal(csv_bytes("Acme,XX,huge,,ftp:/x,,uav,12,\n"))

    fields = [error.split(":")[0] for error in errors]
    assert fields == [
        "line 2, field country",
        "line 2, field size",
        "line 2, field website",
        "line 2, field trl",
        "line 2, field description",
    ]


def test_duplicate_names_within_the_file_are_refused(reference):
    errors = refusal(csv_bytes(GOOD, "Beta,US,large,,,Drones,,,\n", "ACME  photonics!,US,large,,,Drones,,,\n"))

    assert errors == [
        "line 4, field name: duplicate of line 2: 'ACME  photonics!' and 'Acme Photonics' both give the slug "
        "'acme-photonics'"
    ]
    assert not Company.objects.exists()


EXPECTED = (
    "expected the header name,country,size,founded,website,description,technology_areas,trl,certifications "
    "(optional columns: japan_presence)"
)


def test_a_wrong_header_names_each_missing_column(reference):
    errors = refusal(csv_bytes(GOOD, header="name,country,size,website,description\n"))

    assert errors == [
        "line 1, field header: missing columns 'founded', 'technology_areas', 'trl', 'certifications'; " + EXPECTED
    ]


def test_a_wrong_header_names_each_unknown_column_and_the_one_it_replaces(reference):
    header = "name,country,size,founded,web site,description,technology_areas,trl,certifications,notes\n"

    errors = refusal(csv_bytes(GOOD, header=header))

    assert errors == [
        "line 1, field header: unknown columns 'web site', 'notes'; missing column 'website'; " + EXPECTED
    ]
    assert not Company.objects.exists()


def test_a_header_naming_a_column_twice_is_refused(reference):
    header = "name,country,size,founded,website,description,technology_areas,trl,trl\n"

    assert refusal(csv_bytes(GOOD, header=header)) == [
        "line 1, field header: column 'trl' given twice; missing column 'certifications'; " + EXPECTED
    ]


def test_a_wrong_header_is_explained_in_japanese(reference):
    with translation.override("ja"):
        errors = refusal(csv_bytes(GOOD, header="name,country,size,website,description,notes\n"))

    assert errors == [
        "1 行目、項目 header：不明な列「notes」／"
        "足りない列「founded」、「technology_areas」、「trl」、「certifications」。"
        "見出し行は name,country,size,founded,website,description,technology_areas,trl,certifications "
        "の形にしてください（省略できる列：japan_presence）"
    ]


def test_the_columns_may_come_in_any_order(reference, rescore):
    header = "name,description,country,size,founded,website,technology_areas,trl,certifications\n"

    companies_import(data=csv_bytes("Acme,Makes lasers,AU,sme,2012,,uav,6,\n", header=header), by=None)

    acme = Company.objects.get()
    assert (acme.description, acme.country.code, acme.trl) == ("Makes lasers", "AU", 6)


def test_an_empty_file_is_refused(reference):
    assert refusal(b"") == ["line 1, field header: the file is empty; expected a header row"]


def test_a_file_that_is_not_utf8_is_refused_with_the_line_of_the_first_bad_byte(reference):
    data = csv_bytes(GOOD, "Société Générale Défense,FR,large,,,Radars,,,\n").decode().encode("latin-1")

    errors = refusal(data)

    assert len(errors) == 1
    assert errors[0].startswith("line 3, field file: the file is not UTF-8")


def test_line_numbers_count_the_lines_of_a_quoted_multiline_description(reference):
    errors = refusal(csv_bytes('Acme,AU,sme,,,"Lasers\nand optics\nfor ships",,,\n', "Beta,XX,sme,,,Drones,,,\n"))

    assert errors[0].startswith("line 5, field country")


def test_a_good_file_creates_firms_with_areas_and_certifications(reference, rescore):
    result = companies_import(data=csv_bytes(GOOD, "Beta Drones,us,STARTUP,,,Small drones,,,\n"), by=None)

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    acme = Company.objects.get(slug="acme-photonics")
    assert (acme.name, acme.country.code, acme.size, acme.founded, acme.trl) == ("Acme Photonics", "AU", "sme", 2012, 6)
    assert sorted(acme.technology_areas.values_list("slug", flat=True)) == ["directed-energy", "space"]
    assert list(acme.certifications.values_list("code", flat=True)) == ["as9100d"]
    beta = Company.objects.get(slug="beta-drones")
    assert (beta.country.code, beta.size, beta.founded, beta.trl, beta.website) == ("US", "startup", None, None, "")
    assert rescore.targets() == [("batch", sorted([acme.pk, beta.pk]))] and len(rescore.enqueues) == 1


def test_area_slugs_and_certification_codes_in_capitals_are_accepted_like_countries_and_sizes(reference, rescore):
    result = companies_import(data=csv_bytes("Kestrel Drones,us,STARTUP,,,Small drones,UAV; Space,,AS9100D\n"), by=None)

    assert result.created == 1
    kestrel = Company.objects.get(slug="kestrel-drones")
    assert sorted(kestrel.technology_areas.values_list("slug", flat=True)) == ["space", "uav"]
    assert list(kestrel.certifications.values_list("code", flat=True)) == ["as9100d"]


def test_an_unknown_area_in_capitals_is_quoted_as_written(reference):
    assert refusal(csv_bytes("Acme,AU,sme,,,Lasers,RAILGUNS;UAV,,ISO-27001\n")) == [
        "line 2, field technology_areas: unknown technology area 'RAILGUNS'",
        "line 2, field certifications: unknown certification code 'ISO-27001'",
    ]


PRESENCE_HEADER = HEADER.replace("\n", ",japan_presence\n")


def test_the_optional_japan_presence_column_sets_a_new_firms_presence(reference, rescore):
    rows = ("Acme,AU,sme,,,Lasers,,,,Partner\n", "Beta,AU,sme,,,Drones,,,,office\n", "Gamma,AU,sme,,,Boats,,,,\n")

    result = companies_import(data=csv_bytes(*rows, header=PRESENCE_HEADER), by=None)

    assert result.created == 3
    presence = dict(Company.objects.values_list("name", "japan_presence"))
    assert presence == {"Acme": "partner", "Beta": "office", "Gamma": "none"}


def test_a_reimport_changes_the_presence_given_and_leaves_an_empty_or_absent_one_as_it_is(reference, rescore):
    for slug, name in (("acme", "Acme"), ("beta", "Beta"), ("gamma", "Gamma")):
        CompanyFactory(slug=slug, name=name, description="Lasers", japan_presence="office")
    rows = ("Acme,AU,sme,,,Lasers,,,,partner\n", "Beta,AU,sme,,,Lasers,,,,\n")

    companies_import(data=csv_bytes(*rows, header=PRESENCE_HEADER), by=None)
    companies_import(data=csv_bytes("Gamma,AU,sme,,,Lasers,,,\n"), by=None)

    presence = dict(Company.objects.values_list("name", "japan_presence"))
    assert presence == {"Acme": "partner", "Beta": "office", "Gamma": "office"}
    acme = Company.objects.get(slug="acme")
    assert acme.history.first().japan_presence == "partner"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "line 2, field japan_presence: 'subsidiary' is not a presence in Japan: use one of none, partner, office, "
            "or leave it empty",
        ),
        (
            "ja",
            "2 行目、項目 japan_presence：「subsidiary」は日本での拠点の値ではありません。"
            "none、partner、office のいずれかにするか、空欄にしてください",
        ),
    ],
)
def test_an_unknown_japan_presence_is_refused_naming_the_choices(reference, language, expected):
    with translation.override(language):
        errors = refusal(
            csv_bytes(GOOD.replace("\n", ",\n"), "Acme,AU,sme,,,x,,,,subsidiary\n", header=PRESENCE_HEADER)
        )

    assert errors == [expected.replace("line 2", "line 3").replace("2 行目", "3 行目")]
    assert not Company.objects.exists()


def test_a_utf8_file_with_a_byte_order_mark_imports(reference, rescore):
    result = companies_import(data=b"\xef\xbb\xbf" + csv_bytes(GOOD), by=None)

    assert result.created == 1


def test_a_row_whose_name_matches_an_existing_firm_updates_it(reference, rescore):
    existing = CompanyFactory(
        slug="acme-photonics", name="Acme Photonics", size="startup", contact_email="a@acme.example"
    )
    expiring = CertificationFactory(code="iso-9001")
    CompanyCertification.objects.create(company=existing, certification=expiring)
    kept = CompanyCertification.objects.create(
        company=existing, certification=CertificationFactory(code="as9100d"), expires_on=datetime.date(2030, 1, 31)
    )

    result = companies_import(data=csv_bytes(GOOD), by=None, source="firms.csv")

    assert (result.created, result.updated) == (0, 1)
    existing.refresh_from_db()
    assert (existing.size, existing.trl, existing.website) == ("sme", 6, "https://acme.example.com")
    assert existing.contact_email == "a@acme.example"  # not an imported column: left alone
    assert list(existing.certification_links.values_list("pk", "expires_on")) == [(kept.pk, kept.expires_on)]
    assert existing.technology_areas.count() == 2
    latest = existing.history.first()
    assert (latest.history_type, latest.history_change_reason, latest.trl) == ("~", "CSV import: firms.csv", 6)
    assert sorted(link.technologyarea.slug for link in latest.technology_areas.all()) == ["directed-energy", "space"]
    assert rescore.targets() == [("company", existing.pk)] and len(rescore.enqueues) == 1


def test_a_firm_whose_slug_is_not_made_from_its_name_is_updated_not_duplicated(reference, rescore):
    curated = CompanyFactory(slug="ocius", name="Ocius Technology", size="startup")

    result = companies_import(data=csv_bytes("OCIUS TECHNOLOGY,AU,sme,2000,,Uncrewed surface vessels,,,\n"), by=None)

    assert (result.created, result.updated) == (0, 1)
    assert list(Company.objects.values_list("slug", flat=True)) == ["ocius"]
    curated.refresh_from_db()
    assert curated.size == "sme"


def test_a_row_and_another_rows_name_twin_are_refused_as_the_same_firm(reference):
    CompanyFactory(slug="ocius", name="Ocius Technology")
    rows = ("Ocius,AU,sme,2000,,Uncrewed surface vessels,,,\n", "Ocius Technology,AU,sme,2000,,Vessels,,,\n")

    assert refusal(csv_bytes(*rows)) == [
        "line 3, field name: duplicate of line 2: 'Ocius Technology' and 'Ocius' both give the slug 'ocius'"
    ]
    assert Company.objects.count() == 1


def test_a_firm_named_in_japanese_imports_with_an_address_and_imports_again_unchanged(reference, rescore):
    data = csv_bytes("株式会社テスト,JP,sme,2010,,防衛向けのレーザー部品,directed-energy,,\n")

    first = companies_import(data=data, by=None)
    again = companies_import(data=data, by=None)

    firm = Company.objects.get()
    assert (first.created, again.unchanged) == (1, 1)
    assert firm.name == "株式会社テスト" and firm.slug.startswith("firm-")
    assert firm.get_absolute_url().endswith(f"/{firm.slug}/")


def test_two_japanese_names_sharing_only_a_digit_are_two_firms(reference, rescore):
    companies_import(data=csv_bytes("第1製作所,JP,sme,2010,,造船,,,\n"), by=None)

    result = companies_import(data=csv_bytes("第1工業,JP,sme,2012,,レーダー,,,\n"), by=None)

    assert (result.created, result.updated) == (1, 0)
    assert sorted(Company.objects.values_list("name", flat=True)) == ["第1工業", "第1製作所"]


def test_importing_the_same_file_again_changes_nothing(reference, rescore):
    data = csv_bytes(GOOD, "Beta Drones,US,startup,,,Small drones,uav,,\n")
    companies_import(data=data, by=None)
    history_rows = Company.history.count()
    asked = rescore.targets()

    result = companies_import(data=data, by=None)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert Company.objects.count() == 2
    assert Company.history.count() == history_rows
    assert rescore.targets() == asked and len(rescore.enqueues) == 1  # the first import's run only


def test_import_records_who_imported_in_the_history(reference, rescore, consultant):
    companies_import(data=csv_bytes(GOOD), by=consultant, source="firms.csv")

    record = Company.objects.get().history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        consultant,
        "CSV import: firms.csv",
    )
    assert sorted(link.technologyarea.slug for link in record.technology_areas.all()) == ["directed-energy", "space"]


def test_a_consultant_reads_the_import_reason_in_their_language_with_the_file_name(
    reference, rescore, consultant, consultant_client
):
    companies_import(data=csv_bytes(GOOD), by=consultant, source="firms.csv")
    slug = Company.objects.get().slug

    assert "CSV import: firms.csv" in consultant_client.get(f"/companies/{slug}/").text
    japanese = consultant_client.get(f"/ja/companies/{slug}/").text
    assert "CSVインポート：firms.csv" in japanese
    assert "CSV import" not in japanese


def ten_thousand_rows(last_row: str | None = None) -> bytes:
    lines = [
        f"Firm {n},AU,sme,{1990 + n % 30},https://firm{n}.example.com,Makes part {n},{area},{1 + n % 9},\n"
        for n, area in zip(range(10_000), itertools.cycle(["uav", "space"]), strict=False)
    ]
    if last_row is not None:
        lines[-1] = last_row
    return csv_bytes(*lines)


def test_ten_thousand_rows_import_in_one_transaction_with_one_rescore(reference, rescore):
    with CaptureQueriesContext(connection) as queries:
        result = companies_import(data=ten_thousand_rows(), by=None)

    assert result.created == 10_000
    assert Company.objects.count() == 10_000
    assert Company.history.count() == 10_000
    # The test runs inside a transaction, so the import's own transaction shows as exactly one savepoint.
    savepoints = [query["sql"] for query in queries if query["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1
    [(scope, ids)] = rescore.targets()
    assert scope == "batch" and len(ids) == 10_000 and len(rescore.enqueues) == 1


def test_a_failure_while_writing_the_last_chunk_leaves_nothing_written(reference, rescore):
    real = importing.company_history_record
    calls = []

    def fail_on_last_chunk(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2 * math.ceil(10_000 / importing.CHUNK):  # two history writes per chunk: the last fails
            raise RuntimeError("database went away")
        real(**kwargs)

    with mock.patch.object(importing, "company_history_record", side_effect=fail_on_last_chunk):
        with pytest.raises(RuntimeError):
            companies_import(data=ten_thousand_rows(), by=None)

    assert not Company.objects.exists()
    assert not Company.history.exists()
    assert rescore.targets() == [] and rescore.enqueues == []


def test_a_bad_last_row_of_a_big_file_writes_nothing(reference):
    errors = refusal(ten_thousand_rows(last_row="Firm X,AU,sme,,,Parts,,42,\n"))

    assert errors == [
        "line 10001, field trl: TRL '42' is out of range: use a whole number from 1 to 9, or leave it empty"
    ]
    assert not Company.objects.exists()


def test_the_command_prints_counts(reference, rescore, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()

    call_command("import_companies", str(path), stdout=out, stderr=io.StringIO())

    assert "Firms created: 1, updated: 0, unchanged: 0." in out.getvalue()


def test_the_command_names_the_firms_it_created_and_the_ones_it_overwrote(reference, rescore, tmp_path):
    CompanyFactory(slug="beta-drones", name="Beta Drones", description="Edited by Beta's staff.")
    CompanyFactory(slug="gamma-boats", name="Gamma Boats", description="Boats.", size="sme")
    path = tmp_path / "firms.csv"
    rows = ("Beta Drones,AU,sme,,,Small drones,,,\n", "Gamma Boats,AU,sme,,,Boats.,,,\n")
    path.write_bytes(csv_bytes(GOOD, *rows))
    out = io.StringIO()

    call_command("import_companies", str(path), stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert "Firms created: 1, updated: 1, unchanged: 1." in lines[0]
    assert "Created: Acme Photonics." in lines
    assert "Updated: Beta Drones." in lines


def test_the_command_names_twenty_overwritten_firms_and_counts_the_rest(reference, rescore, tmp_path):
    for n in range(25):
        CompanyFactory(slug=f"firm-{n:02}", name=f"Firm {n:02}", description="Edited by hand.")
    path = tmp_path / "firms.csv"
    path.write_bytes(csv_bytes(*(f"Firm {n:02},AU,sme,,,From the file,,,\n" for n in range(25))))
    out = io.StringIO()

    call_command("import_companies", str(path), stdout=out, stderr=io.StringIO())

    names = ", ".join(f"Firm {n:02}" for n in range(20))
    assert f"Updated: {names} and 5 more." in out.getvalue().splitlines()
    assert "Firms created: 0, updated: 25, unchanged: 0." in out.getvalue()


def test_the_command_lists_every_error_and_fails(reference, rescore, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_bytes(csv_bytes("Acme,XX,sme,,,Lasers,,,\n", "Beta,AU,sme,,,Drones,,11,\n"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("import_companies", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines()[0].startswith("line 2, field country: unknown country 'XX'")
    assert err.getvalue().splitlines()[1].startswith("line 3, field trl:")
    assert not Company.objects.exists()


def test_a_reimport_that_changes_only_certifications_lists_them_in_the_firms_history(reference, rescore, consultant):
    companies_import(data=csv_bytes(GOOD), by=consultant, source="firms.csv")
    companies_import(data=csv_bytes(GOOD.replace(",as9100d\n", ",as9100d;iso-9001\n")), by=consultant)

    new, old = Company.objects.get().history.all()[:2]
    assert new.diff_against(old).changed_fields == ["certifications"]
    assert sorted(link.certification.code for link in new.certifications.all()) == ["as9100d", "iso-9001"]
    assert [link.certification.code for link in old.certifications.all()] == ["as9100d"]


def _doc_examples() -> list[str]:
    """The example files docs/import.md shows, each a fenced block starting with the header."""
    text = (settings.BASE_DIR / "docs" / "import.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(name,country,.*?)```", text, flags=re.DOTALL)
    return [block for block in blocks if "\n" in block.strip()]


def test_a_consultant_who_imports_the_documented_example_files_gets_their_firms(reference, rescore):
    examples = _doc_examples()
    assert len(examples) == 2
    for example in examples:
        result = companies_import(data=example.encode(), by=None)
        assert result.created + result.updated + result.unchanged == 2
    assert Company.objects.get(slug="kestrel-drones").japan_presence == "partner"


def test_a_consultant_whose_spreadsheet_left_empty_columns_after_the_header_imports_the_file(reference, rescore):
    """Excel writes a cleared column as empty cells on every line ("…,certifications,,"): it is no column."""
    data = csv_bytes(
        GOOD.replace("\n", ",,\n"),
        "Kestrel Drones,US,startup,,,Small drones,uav,,\n",
        header=HEADER.replace("\n", ",,\n"),
    )

    result = companies_import(data=data, by=None)

    assert result.created == 2
    assert Company.objects.get(slug="acme-photonics").trl == 6


def test_a_value_under_a_nameless_column_after_the_header_is_refused_on_its_line(reference):
    data = csv_bytes(
        GOOD.replace("\n", ",,\n"),
        "Kestrel Drones,US,startup,,,Small drones,uav,,,,x\n",
        header=HEADER.replace("\n", ",,\n"),
    )

    assert refusal(data) == ["line 3, field row: expected 9 columns but found 11"]
    assert not Company.objects.exists()
