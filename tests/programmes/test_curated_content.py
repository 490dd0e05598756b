"""The curated fixtures: what `make demo` loads is complete, sourced, honest about dates and confidence, and the
loader is idempotent and all-or-nothing."""

import datetime
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import CharField, JSONField, Q, TextField
from django.utils import timezone

from companies.models import Company
from matching.models import MatchRun
from notices.services import notices_load
from portal.curation import CHANGE_REASON, CuratedLoadError
from portal.history import history_rows
from programmes.curated import HUB_SLUGS, REQUIRED_AREA_SLUGS
from programmes.models import (
    Certification,
    Confidence,
    Opportunity,
    OpportunityArea,
    Organisation,
    Source,
    TechnologyArea,
)
from web.curated import curated_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FACTS_COMPILED_ON = datetime.date(2026, 11, 24)
CORRECTIONS_CHECKED_ON = datetime.date(2026, 12, 2)  # facts file section 8
# Words any civilian firm writes; as keywords they would make every firm look like a defence supplier.
GENERIC_WORDS = {"system", "systems", "technology", "technologies", "data", "solution", "solutions", "platform",
                 "software", "product", "products", "innovation", "services"}  # fmt: skip


@pytest.fixture(scope="module")
def curated(django_db_setup, django_db_blocker):
    """The real fixtures, loaded once for this module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield curated_load(directory=FIXTURES)
        transaction.set_rollback(True)


def published() -> list[Opportunity]:
    return list(Opportunity.objects.published().prefetch_related("sources", "area_links__technology_area"))


def row_counts() -> dict[str, int]:
    """Rows of every curated model and of every history table (m2m history included)."""
    models = [Organisation, TechnologyArea, Certification, Opportunity, OpportunityArea, Source, Company]
    history = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    return {model.__name__: model.objects.count() for model in [*models, *history]}


# --- Content ---------------------------------------------------------------------------------------------------


def test_all_21_technology_areas_have_names_descriptions_and_rich_keywords(curated, db):
    areas = {area.slug: area for area in TechnologyArea.objects.all()}
    assert set(areas) == set(REQUIRED_AREA_SLUGS)
    assert len(REQUIRED_AREA_SLUGS) == 21
    for area in areas.values():
        assert area.name and area.name_ja and len(area.description) > 80, area.slug
        assert len(area.keywords) >= 30, f"{area.slug} has only {len(area.keywords)} keywords"
        assert not GENERIC_WORDS & {word.lower() for word in area.keywords}, area.slug


@pytest.mark.parametrize(
    ("slug", "jargon"),
    [
        ("directed-energy", {"beam director", "dazzler", "high-power microwave", "HEL", "fibre laser"}),
        ("uuv", {"ASW", "sonar", "autonomous underwater vehicle", "underwater glider"}),
        ("semiconductors", {"GaN", "power amplifier", "MMIC", "wafer"}),
        ("critical-minerals", {"rare earth", "magnet", "sovereign supply"}),
        ("c2-isr", {"kill chain", "sensor fusion"}),
        ("counter-uas", {"DroneGun", "counter-drone", "RF detection"}),
    ],
)
def test_area_keywords_use_the_jargon_firms_write(curated, db, slug, jargon):
    assert jargon <= set(TechnologyArea.objects.get(slug=slug).keywords)


def test_the_three_hubs_are_published_truthfully_with_their_japanese_names(curated, db):
    hubs = {hub.slug: hub for hub in Opportunity.objects.filter(kind=Opportunity.Kind.HUB)}
    assert set(HUB_SLUGS) <= set(hubs)
    for slug in HUB_SLUGS:
        hub = hubs[slug]
        assert hub.status == Opportunity.Status.PUBLISHED
        assert hub.title_ja and "Uncertain" in hub.description
        # Foreign firms need a Japanese entity or partner: a gap, never a pass.
        assert hub.japan_presence in {Opportunity.Presence.PARTNER, Opportunity.Presence.OFFICE}
        assert hub.sources.exists()
    assert hubs["rapid-acquisition-hub"].title_ja == "最先端技術の早期装備化"
    assert hubs["startup-council-hub"].title_ja == "防衛産業へのスタートアップ活用に向けた合同推進会"
    assert hubs["startup-tech-proposal-hub"].title_ja == "スタートアップ技術提案評価方式"
    for slug in ("startup-council-hub", "startup-tech-proposal-hub"):
        assert "startup" in hubs[slug].eligible_sizes and "large" not in hubs[slug].eligible_sizes


def test_every_published_record_reads_in_japanese_title_and_summary(curated, db):
    missing = [(o.slug, bool(o.title_ja), bool(o.summary_ja)) for o in published() if not (o.title_ja and o.summary_ja)]
    assert missing == []
    assert not Opportunity.objects.untranslated().exists()
    # Past editions (readable with when=past) and drafts too.
    assert list(Opportunity.objects.filter(Q(title_ja="") | Q(summary_ja="")).values_list("slug", flat=True)) == []
    # The official Japanese names where the facts file gives them, never a paraphrase.
    assert Opportunity.objects.get(slug="rapid-acquisition-hub").title_ja == "最先端技術の早期装備化"
    assert Opportunity.objects.get(slug="isti").title_ja == "安全保障技術研究推進制度"


def test_every_curated_venue_and_expected_basis_reads_in_japanese(curated, db):
    venues = Opportunity.objects.exclude(venue="").filter(venue_ja="")
    bases = Opportunity.objects.exclude(expected_basis="").filter(expected_basis_ja="")
    assert list(venues.values_list("slug", flat=True)) == [] and list(bases.values_list("slug", flat=True)) == []
    assert Opportunity.objects.get(slug="indo-pacific-2027").venue_ja == "シドニー（見込み）"


def test_japanese_summaries_keep_the_dates_and_the_expected_wording(curated, db):
    """A Japanese reader is told the same facts: the dates stay, and "expected" stays a pattern, not a date."""
    award = Opportunity.objects.get(slug="defense-startup-award-2027")
    assert "2025年12月23日から2026年1月23日" in award.summary_ja
    assert "見込まれる" in award.summary_ja and "日程ではない" in award.summary_ja
    dsei = Opportunity.objects.get(slug="dsei-japan-next")
    assert "2026年12月2日確認" in dsei.summary_ja and "見込み" in dsei.title_ja


def test_every_organisation_has_its_japanese_name(curated, db):
    assert [o.slug for o in Organisation.objects.filter(name_ja="")] == []
    assert Organisation.objects.get(slug="atla").name_ja == "防衛装備庁"


def test_every_certification_has_its_japanese_name_keeping_the_standards_code(curated, db):
    assert [c.code for c in Certification.objects.filter(name_ja="")] == []
    assert Certification.objects.get(code="iso27001").name_ja.startswith("ISO/IEC 27001（")
    assert Certification.objects.get(code="disp-entry").name_ja.startswith(
        "DISP エントリーレベル（防衛産業保安プログラム"
    )


def test_every_technology_area_has_a_published_priority_area(curated, db):
    covered = set(
        OpportunityArea.objects.filter(
            opportunity__kind=Opportunity.Kind.PRIORITY_AREA, opportunity__status=Opportunity.Status.PUBLISHED
        ).values_list("technology_area__slug", flat=True)
    )
    assert set(REQUIRED_AREA_SLUGS) - covered == set()


def test_every_technology_area_is_the_sole_main_area_of_a_published_priority_area(curated, db):
    """A space firm finds a record about space alone, not only one shared with cyber and electronic warfare."""
    links = OpportunityArea.objects.filter(
        opportunity__kind=Opportunity.Kind.PRIORITY_AREA, opportunity__status=Opportunity.Status.PUBLISHED
    ).values_list("opportunity_id", "technology_area__slug", "weight")
    weights: dict[int, dict[str, float]] = {}
    for opportunity, slug, weight in links:
        weights.setdefault(opportunity, {})[slug] = weight
    sole_main = set()
    for areas in weights.values():
        top = [slug for slug, weight in areas.items() if weight == 1.0]
        if len(top) == 1:
            sole_main.add(top[0])
    assert set(REQUIRED_AREA_SLUGS) - sole_main == set()


def test_area_weights_lie_between_0_and_1(curated, db):
    weights = list(OpportunityArea.objects.values_list("weight", flat=True))
    assert weights and all(0 <= weight <= 1 for weight in weights)


def test_dsei_japan_2025_has_its_dates_and_venue_and_is_shown_as_past(curated, db):
    dsei = Opportunity.objects.get(slug="dsei-japan-2025")
    assert (dsei.kind, dsei.starts_on, dsei.ends_on) == (
        "event",
        datetime.date(2025, 5, 21),
        datetime.date(2025, 5, 23),
    )
    assert "Makuhari Messe" in dsei.venue
    assert dsei.status == Opportunity.Status.ARCHIVED and dsei.is_past(timezone.localdate())
    assert not Opportunity.objects.open_on(timezone.localdate()).filter(pk=dsei.pk).exists()
    earlier = Opportunity.objects.filter(slug__in=["dsei-japan-2019", "dsei-japan-2023"])
    assert [event.starts_on.year for event in earlier.order_by("starts_on")] == [2019, 2023]


def test_other_required_events_and_programmes_are_there(curated, db):
    slugs = set(Opportunity.objects.values_list("slug", flat=True))
    assert {"dicas-2024", "mod-industry-day-2025", "gcap", "licensed-production-re-export", "isti",
            "defence-production-base-act"} <= slugs  # fmt: skip


def test_no_published_event_or_call_lies_in_the_past(curated, db):
    today = timezone.localdate()
    dated = [opp for opp in published() if opp.kind in {Opportunity.Kind.EVENT, Opportunity.Kind.CALL}]
    assert [opp.slug for opp in dated if opp.is_past(today)] == []  # expected editions are ahead, not open
    past = Opportunity.objects.filter(kind=Opportunity.Kind.EVENT, ends_on__lt=today)
    assert past.exists() and not past.filter(status=Opportunity.Status.PUBLISHED).exists()


def test_undated_next_editions_are_expected_or_drafts_never_invented_dates(curated, db):
    industry_day = Opportunity.objects.get(slug="mod-industry-day")
    assert industry_day.status == Opportunity.Status.DRAFT and industry_day.starts_on is None
    dsei = Opportunity.objects.get(slug="dsei-japan-next")
    assert dsei.status == Opportunity.Status.PUBLISHED and dsei.expected
    assert dsei.starts_on is None and dsei.ends_on is None and dsei.confidence == Confidence.LOW
    assert "2023 and 2025 editions" in dsei.expected_basis
    for slug in ("indo-pacific-2027", "japan-aerospace-2028", "defense-startup-award-2027"):
        record = Opportunity.objects.get(slug=slug)
        assert record.expected and record.deadline is None and record.expected_basis, slug


def test_every_published_record_has_a_complete_source_and_is_verified(curated, db):
    for opportunity in published():
        sources = list(opportunity.sources.all())
        assert sources, f"{opportunity.slug} has no source"
        assert all(src.url and src.publisher and src.accessed_on for src in sources), opportunity.slug
        assert opportunity.last_verified_on in (FACTS_COMPILED_ON, CORRECTIONS_CHECKED_ON), opportunity.slug


def test_low_confidence_facts_are_flagged_as_unverified(curated, db):
    for opportunity in Opportunity.objects.prefetch_related("sources"):
        confidences = {source.confidence for source in opportunity.sources.all()}
        if confidences == {Confidence.LOW}:
            assert opportunity.confidence == Confidence.LOW, opportunity.slug
    for slug in ("meti-sme-meet-and-greet-washington-2023", "national-defence-industry-strategy"):
        record = Opportunity.objects.get(slug=slug)
        assert record.confidence == Confidence.LOW and record.get_confidence_display() == "Low (unverified)"
        assert record.status != Opportunity.Status.PUBLISHED
    # Published low-confidence records are expected editions: a pattern, never a date.
    assert Opportunity.objects.get(slug="dsei-japan-next").get_confidence_display() == "Low (unverified)"
    shield = Opportunity.objects.get(slug="shield-coastal-unmanned-defence")
    assert "mostly foreign-made" in shield.description and not shield.sources.filter(confidence=Confidence.LOW)


def test_isti_says_it_is_limited_to_japan(curated, db):
    isti = Opportunity.objects.get(slug="isti")
    assert [country.code for country in isti.eligible_countries] == ["JP"]
    assert "Japanese nationality" in isti.eligibility_notes


def test_as9100d_en9100_and_jis_q_9100_are_equivalent(curated, db):
    family = {"as9100d", "en9100", "jisq9100"}
    for code in family:
        equivalents = set(Certification.objects.get(code=code).equivalents.values_list("code", flat=True))
        assert equivalents == family - {code}
    jp_cyber = Certification.objects.get(code="jp-defense-cybersecurity")
    assert not jp_cyber.equivalents.exists()
    assert {"iso9001", "iso27001", "nist-800-171", "cmmc-l2", "disp-entry"} <= set(
        Certification.objects.values_list("code", flat=True)
    )


def test_records_carry_the_curated_change_reason(curated, db):
    reasons = set(Opportunity.history.values_list("history_change_reason", flat=True))
    assert reasons == {CHANGE_REASON}


# Our research notes' internal name, which no reader can open: a text cites the public source or states the fact.
NOTES_NAME = re.compile(r"facts? file|ファクト・?ファイル|事実ファイル", re.IGNORECASE)


def test_no_curated_text_a_user_reads_refers_to_our_internal_facts_file(curated, db):
    notices_load(path=FIXTURES / "notices.yaml")
    said = []
    for app in ("programmes", "companies", "partners", "notices"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            texts = [f.name for f in model._meta.concrete_fields if isinstance(f, CharField | TextField | JSONField)]
            for row in model.objects.values("pk", *texts):
                said += [
                    f"{model.__name__} {row['pk']} {name}: {row[name]}"
                    for name in texts
                    if NOTES_NAME.search(str(row[name]))
                ]
    assert said == []


# --- Loader behaviour ------------------------------------------------------------------------------------------


def test_no_curated_record_or_firm_has_a_changed_history_row_naming_no_change(curated, db):
    empty = {}
    for model in (Opportunity, Company):
        for record in model.objects.all():
            rows = history_rows(record.history, limit=20, disclose=True)
            if rows[-1].kind != "Created" or any(row.kind == "Changed" and not row.fields for row in rows):
                empty[record.slug] = [(row.kind, row.fields) for row in rows]
    assert empty == {}


def test_loading_twice_changes_nothing_and_writes_no_history(curated, db):
    before = row_counts()
    report = curated_load(directory=FIXTURES)
    assert row_counts() == before
    assert not [key for key, count in report.counts.items() if key[1] != "unchanged" and count]


def test_a_changed_fixture_updates_only_that_record_with_one_history_row(curated, db, tmp_path):
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "opportunities-hubs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("There had been 19 requests", "19 requests"))
    before = row_counts()
    report = curated_load(directory=tmp_path)
    assert report.counts[("opportunities", "updated")] == 1
    hub = Opportunity.objects.get(slug="rapid-acquisition-hub")
    assert "19 requests as of January 2026" in hub.description
    latest = hub.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == CHANGE_REASON
    after = row_counts()
    assert after.pop("HistoricalOpportunity") == before.pop("HistoricalOpportunity") + 1
    # That history row snapshots the record's organisations, certifications and area weights; nothing else was
    # written.
    unrelated = {name for name in before if name.startswith("HistoricalOpportunity_")} | {"HistoricalOpportunityArea"}
    assert after["HistoricalOpportunityArea"] == before["HistoricalOpportunityArea"] + hub.area_links.count()
    assert {k: v for k, v in after.items() if k not in unrelated} == {
        k: v for k, v in before.items() if k not in unrelated
    }


def test_a_changed_area_weight_is_updated_in_place(curated, db, tmp_path):
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "opportunities-priority-areas.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("areas: {railgun: 1.0, iamd: 0.3, advanced-manufacturing: 0.2}", "areas: {railgun: 0.9}")
    )
    links_before = OpportunityArea.objects.count()
    report = curated_load(directory=tmp_path)
    assert report.counts[("opportunities", "updated")] == 1
    railgun = Opportunity.objects.get(slug="atla-railgun")
    assert list(railgun.area_links.values_list("technology_area__slug", "weight")) == [("railgun", 0.9)]
    assert OpportunityArea.objects.count() == links_before - 2


ORGANISATION = """
- slug: test-org
  name: Test organisation
  country: JP
"""


def write_fixtures(directory: Path, **files: str) -> Path:
    for name, text in files.items():
        (directory / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def load_errors(directory: Path) -> list[str]:
    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=directory)
    return [str(error) for error in caught.value.errors]


def test_a_call_closing_before_it_opens_is_refused_and_nothing_is_written(db, tmp_path):
    write_fixtures(
        tmp_path,
        organisations=ORGANISATION,
        opportunities="""
        - slug: good-programme
          kind: programme
          title: A good programme
          summary: Fine.
          organisations: [test-org]
        - slug: backwards-call
          kind: call
          title: A call that closes before it opens
          summary: Bad dates.
          opens_on: 2027-03-01
          closes_on: 2027-02-01
        """,
    )
    errors = load_errors(tmp_path)
    assert errors == [
        "opportunities.yaml: record backwards-call, field closes_on: The closing date is before the opening date."
    ]
    assert not Organisation.objects.filter(slug="test-org").exists()
    assert not Opportunity.objects.filter(slug__in=["good-programme", "backwards-call"]).exists()


def test_an_unknown_country_code_is_refused_with_file_record_and_field(db, tmp_path):
    write_fixtures(tmp_path, organisations=ORGANISATION.replace("country: JP", "country: XX"))
    errors = load_errors(tmp_path)
    assert len(errors) == 1 and errors[0].startswith("organisations.yaml: record test-org, field country: ")
    assert not Organisation.objects.filter(slug="test-org").exists()


SOURCE = "sources: [{url: 'https://example.org/a'}]"
LOW_SOURCE = "sources: [{url: 'https://example.org/a', confidence: low}]"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (["kind: programme", "status: published"], "field sources: Cannot publish without a source"),
        (
            ["kind: event", "status: published", "starts_on: 2020-01-01", SOURCE],
            "field status: this event is over (2020-01-01); archive it instead of publishing",
        ),
        (
            ["kind: call", "status: published", "closes_on: 2021-06-30", SOURCE],
            "field status: this call is over (2021-06-30); archive it instead of publishing",
        ),
        (
            ["kind: programme", "status: published", LOW_SOURCE],
            "field confidence: Every source is low-confidence, so the record's confidence must be low (unverified)",
        ),
        (["kind: programme", "areas: {no-such-area: 0.5}"], "field areas: unknown technology area no-such-area"),
        (["kind: programme", "eligible_countries: [JP, XX]"], "field eligible_countries:"),
        (["kind: programme", "sumary: typo"], "field sumary: unknown field"),
    ],
)
def test_curation_rules_are_enforced_per_record(db, tmp_path, fields, expected):
    body = "".join(f"  {field}\n" for field in ["title: T", "summary: S.", *fields])
    write_fixtures(tmp_path, opportunities="- slug: bad\n" + body)
    errors = load_errors(tmp_path)
    assert any(error.startswith(f"opportunities.yaml: record bad, {expected}") for error in errors), errors
    assert not Opportunity.objects.filter(slug="bad").exists()


def test_a_slug_defined_twice_across_files_is_refused(db, tmp_path):
    programme = "- slug: twice\n  kind: programme\n  title: T\n  summary: S.\n"
    write_fixtures(tmp_path, **{"opportunities-a": programme, "opportunities-b": programme})
    assert load_errors(tmp_path) == [
        "opportunities-b.yaml: record twice, field slug: duplicate slug: already defined in opportunities-a.yaml"
    ]
    assert not Opportunity.objects.filter(slug="twice").exists()


def test_an_area_weight_above_1_names_the_area(db, tmp_path):
    write_fixtures(
        tmp_path,
        technology_areas="""
        - slug: quantum
          name: Quantum
          description: Quantum things.
          keywords: [qubit]
        """,
        opportunities="""
        - slug: heavy
          kind: programme
          title: Too heavy
          summary: Weight out of range.
          areas: {quantum: 1.5}
        """,
    )
    errors = load_errors(tmp_path)
    # The publish/update services' own rule, under the fixture's name for the field.
    assert "opportunities.yaml: record heavy, field areas: Weights must be between 0 and 1: quantum (1.5)." in errors


def test_the_command_exits_non_zero_and_prints_each_error(db, tmp_path):
    write_fixtures(tmp_path, organisations=ORGANISATION.replace("country: JP", "country: XX"))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_curated", "--dir", str(tmp_path))


def test_the_command_reports_counts(db, tmp_path, capsys):
    write_fixtures(tmp_path, organisations=ORGANISATION)
    call_command("load_curated", "--dir", str(tmp_path))
    assert "organisations: 1 created, 0 updated, 0 unchanged" in capsys.readouterr().out


# --- One write path: the loader writes through the curation services --------------------------------------------

PUBLISHED_PROGRAMME = """
- slug: sourced
  kind: programme
  status: published
  title: A sourced programme
  summary: First words.
  organisations: [test-org]
  sources: [{url: 'https://example.org/a', title: A, publisher: P}]
"""


def test_a_fixture_change_to_a_published_record_is_rescored_like_an_admin_edit(db, tmp_path):
    write_fixtures(tmp_path, organisations=ORGANISATION, opportunities=PUBLISHED_PROGRAMME)
    MatchRun.objects.all().delete()  # a waiting full run (another test's load) would cover this record's rescore
    curated_load(directory=tmp_path)
    record = Opportunity.objects.get(slug="sourced")
    assert record.status == Opportunity.Status.PUBLISHED  # through opportunity_publish, which found its source
    assert list(MatchRun.objects.values_list("scope", "opportunity_id")) == [("opportunity", record.pk)]
    MatchRun.objects.all().delete()  # as if that run had been done and cleaned up
    curated_load(directory=tmp_path)
    assert not MatchRun.objects.exists()  # nothing changed: nothing to rescore
    write_fixtures(tmp_path, opportunities=PUBLISHED_PROGRAMME.replace("First words.", "Second words."))
    curated_load(directory=tmp_path)
    assert list(MatchRun.objects.values_list("scope", "opportunity_id", "status")) == [
        ("opportunity", record.pk, MatchRun.Status.PENDING)
    ]


def test_archiving_in_a_fixture_goes_through_archive_and_may_drop_every_source(db, tmp_path):
    write_fixtures(tmp_path, organisations=ORGANISATION, opportunities=PUBLISHED_PROGRAMME)
    curated_load(directory=tmp_path)
    archived = PUBLISHED_PROGRAMME.replace("status: published", "status: archived")
    write_fixtures(tmp_path, opportunities=archived.split("  sources:")[0])
    report = curated_load(directory=tmp_path)
    record = Opportunity.objects.get(slug="sourced")
    assert report.counts[("opportunities", "updated")] == 1
    assert record.status == Opportunity.Status.ARCHIVED and not record.sources.exists()
    latest = record.history.first()
    assert (latest.status, latest.history_change_reason) == ("archived", CHANGE_REASON)


def test_a_published_record_cannot_go_back_to_draft_and_nothing_is_written(db, tmp_path):
    write_fixtures(tmp_path, organisations=ORGANISATION, opportunities=PUBLISHED_PROGRAMME)
    curated_load(directory=tmp_path)
    write_fixtures(
        tmp_path,
        opportunities=PUBLISHED_PROGRAMME.replace("status: published", "status: draft").replace("First", "New"),
    )
    assert load_errors(tmp_path) == [
        "opportunities.yaml: record sourced, field status: a record cannot go back to draft from published; archive it"
    ]
    record = Opportunity.objects.get(slug="sourced")
    assert (record.status, record.summary) == (Opportunity.Status.PUBLISHED, "First words.")
