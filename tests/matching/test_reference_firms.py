"""Reference firms (docs/matching.md): consultants' graded examples of how firms write about an area.

A firm that writes like an area's reference firms, without the area's keywords, reaches the area once they are
curated; the fixture holds only the `tune` half of the ranking set; edits go through the service with history and
rescore every firm; bad input is refused naming the field.
"""

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.urls import reverse

from matching import runs
from matching.models import Match, MatchRun
from programmes.models import Opportunity, ReferenceFirm
from programmes.reference_services import reference_firm_delete, reference_firm_save
from tests.factories import CompanyFactory, OpportunityFactory

ROOT = Path(__file__).resolve().parents[2]

# Two real counter-drone firms' own descriptions, as the fixture holds them: turrets and microwaves that "knock out"
# and "disable" "small flying threats", never "counter-UAS" or "drone".
TURRET = (
    "Allen Control Systems builds Bullfrog, a robotic gun turret that takes a standard M240 or M2 machine gun, finds "
    "small flying threats with its own sensors and aims and fires on its own to knock them out of the sky, at a "
    "fraction of the cost of a missile. Bullfrog mounts on a pickup, a larger vehicle or a fixed site and keeps a "
    "soldier in the loop."
)
MICROWAVE = (
    "Epirus builds Leonidas, a software-defined, solid-state system that shapes long pulses of electromagnetic "
    "energy to disable many small threats at once. One Leonidas unit stops a whole group of incoming small aircraft "
    "in a single engagement, resets instantly and never runs out of rounds."
)
# A firm the scorer has never seen, in the same register: no lexicon keyword of counter-UAS.
NEWCOMER = (
    "Our vehicle-mounted turret finds small flying threats with its own sensors and fires on its own to knock them "
    "out of the sky, stopping a whole group of incoming small aircraft at a fraction of the cost of a missile."
)


def _rescore():
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    runs.match_run_execute(run_id=run.pk)


def _ranked(firm):
    return list(Match.objects.filter(company=firm).best_first().values_list("opportunity__slug", flat=True))


@pytest.fixture
def records(curated_areas):
    slugs = ("counter-uas", "uav", "directed-energy", "space", "cyber", "ugv")
    return {
        slug: OpportunityFactory(
            slug=f"atla-{slug}",
            kind=Opportunity.Kind.PRIORITY_AREA,
            title=f"ATLA seeks partners: {curated_areas[slug].name}",
            summary=curated_areas[slug].description,
            areas=[curated_areas[slug]],
        )
        for slug in slugs
    }


def test_a_firm_writing_like_an_areas_reference_firms_ranks_that_area_first_once_they_are_curated(
    curated_areas, records
):
    lexicon = [k.lower() for k in curated_areas["counter-uas"].keywords]
    assert not [k for k in lexicon if k in NEWCOMER.lower()]  # the area's own keywords are not what reaches it
    firm = CompanyFactory(slug="newcomer", country="US", size="sme", description=NEWCOMER)
    _rescore()
    before = _ranked(firm)
    assert before[0] != "atla-counter-uas"

    for slug, text in (("allen-control-systems", TURRET), ("epirus", MICROWAVE)):
        reference_firm_save(
            firm=ReferenceFirm(slug=slug, name=slug, source_url=f"https://{slug}.example/", description=text),
            areas={"core_areas": [curated_areas["counter-uas"]]},
            by=None,
        )
    _rescore()

    assert _ranked(firm)[0] == "atla-counter-uas", (before, _ranked(firm))


def test_the_fixture_holds_only_tune_firms_and_firms_in_neither_half_with_the_grades_written_for_them():
    fixture = yaml.safe_load((ROOT / "fixtures" / "reference_firms.yaml").read_text())
    split = yaml.safe_load((ROOT / "tests" / "matching" / "ranking" / "split.yaml").read_text())
    only = yaml.safe_load((ROOT / "tests" / "matching" / "ranking" / "reference_only.yaml").read_text())
    slugs = {record["slug"] for record in fixture}
    assert slugs and slugs <= set(split["tune"]) | {firm["slug"] for firm in only}
    assert not slugs & set(split["test"])
    # Nor a sister of a test firm: the same website, or the same group's name.
    firms = {firm["slug"]: firm for firm in yaml.safe_load((ROOT / "tests/matching/ranking/firms.yaml").read_text())}
    test_hosts = {urlsplit(firms[slug]["website"]).hostname.removeprefix("www.") for slug in split["test"]}
    for slug in slugs & set(split["tune"]):
        assert urlsplit(firms[slug]["website"]).hostname.removeprefix("www.") not in test_hosts, slug
    for group in ("anduril", "textron", "general-atomics"):
        if any(group in slug for slug in split["test"]):
            assert not [slug for slug in slugs if group in slug], group
    # The firms written as reference firms only are in neither half: no slug or website of the set's firms.
    set_hosts = {urlsplit(firm["website"]).hostname.removeprefix("www.") for firm in firms.values()}
    for firm in only:
        assert firm["slug"] not in firms, firm["slug"]
        assert urlsplit(firm["source_url"]).hostname.removeprefix("www.") not in set_hosts, firm["slug"]
    check = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reference_firms.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_consultant_adds_a_reference_firm_in_the_admin_with_a_reason_and_every_firm_is_rescored(
    consultant_client, consultant, curated_areas, django_capture_on_commit_callbacks
):
    area = curated_areas["counter-uas"]
    with django_capture_on_commit_callbacks(execute=False):
        response = consultant_client.post(
            reverse("admin:programmes_referencefirm_add"),
            {
                "slug": "allen-control-systems",
                "name": "Allen Control Systems",
                "source_url": "https://allencontrolsystems.com/",
                "description": TURRET,
                "core_areas": [area.pk],
                "change_reason": "A counter-drone turret maker, from its own page",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    firm = ReferenceFirm.objects.get(slug="allen-control-systems")
    assert list(firm.core_areas.all()) == [area]
    rows = list(firm.history.all())
    assert len(rows) == 1 and rows[0].history_user == consultant and rows[0].history_type == "+"
    assert rows[0].history_change_reason == "A counter-drone turret maker, from its own page"
    assert MatchRun.objects.filter(scope=MatchRun.Scope.ALL).exists()


def test_an_area_given_two_grades_is_refused_naming_the_field(consultant_client, curated_areas):
    area = curated_areas["uav"]
    response = consultant_client.post(
        reverse("admin:programmes_referencefirm_add"),
        {
            "slug": "twice",
            "name": "Twice",
            "source_url": "https://twice.example/",
            "description": "Drones.",
            "core_areas": [area.pk],
            "tangential_areas": [area.pk],
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "tangential_areas" in errors and area.name in errors["tangential_areas"][0]
    assert not ReferenceFirm.objects.exists()


def test_every_area_given_two_grades_is_named_at_once(consultant_client, curated_areas):
    uav, space = curated_areas["uav"], curated_areas["space"]
    response = consultant_client.post(
        reverse("admin:programmes_referencefirm_add"),
        {
            "slug": "twice",
            "name": "Twice",
            "source_url": "https://twice.example/",
            "description": "Drones and satellites.",
            "core_areas": [uav.pk, space.pk],
            "significant_areas": [space.pk],
            "tangential_areas": [uav.pk],
        },
    )
    errors = response.context["adminform"].form.errors
    assert space.name in " ".join(errors["significant_areas"]) and uav.name in " ".join(errors["tangential_areas"])


def test_the_same_firm_twice_is_refused_naming_the_field(consultant_client, curated_areas):
    reference_firm_save(
        firm=ReferenceFirm(slug="aar", name="AAR", source_url="https://www.aarcorp.com/", description="Parts."),
        areas={"core_areas": [curated_areas["sustainment"]]},
        by=None,
    )
    response = consultant_client.post(
        reverse("admin:programmes_referencefirm_add"),
        {"slug": "AAR", "name": "aar ", "source_url": "https://www.aarcorp.com/", "description": "Parts."},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"slug", "name", "description"} <= set(errors), errors
    assert ReferenceFirm.objects.count() == 1


def test_the_area_filter_finds_firms_at_every_grade_and_the_delete_page_lists_only_the_firms(
    consultant_client, curated_areas
):
    railgun = curated_areas["railgun"]
    for slug, grade in (("core", "core_areas"), ("side", "tangential_areas"), ("other", None)):
        reference_firm_save(
            firm=ReferenceFirm(slug=slug, name=slug.title(), source_url=f"https://{slug}.example/", description=slug),
            areas={grade: [railgun]} if grade else {"core_areas": [curated_areas["uav"]]},
            by=None,
        )
    listed = consultant_client.get(reverse("admin:programmes_referencefirm_changelist"), {"area": "railgun"})
    assert [firm.slug for firm in listed.context["cl"].result_list] == ["core", "side"]
    for slug, name in (("asc", "ASC"), ("acacia", "Acacia Systems")):
        reference_firm_save(
            firm=ReferenceFirm(slug=slug, name=name, source_url=f"https://{slug}.example/", description=name),
            areas={"core_areas": [curated_areas["sustainment"]]},
            by=None,
        )
    everyone = consultant_client.get(reverse("admin:programmes_referencefirm_changelist"))
    names = [firm.name for firm in everyone.context["cl"].result_list]
    assert names == ["Acacia Systems", "ASC", "Core", "Other", "Side"]
    names = [title for _slug, title in everyone.context["cl"].filter_specs[0].lookup_choices]
    assert names == sorted(names, key=str.casefold)

    pks = list(ReferenceFirm.objects.filter(slug__in=["core", "side"]).values_list("pk", flat=True))
    confirm = consultant_client.post(
        reverse("admin:programmes_referencefirm_changelist"),
        {"action": "delete_selected", "_selected_action": pks},
    )
    page = confirm.content.decode()
    assert "relationship" not in page and "object (" not in page
    assert list(confirm.context["model_count"]) == [("reference firms", 2)]


def test_an_unchanged_save_writes_nothing_and_a_delete_rescores(curated_areas):
    areas = {"core_areas": [curated_areas["uav"]]}
    firm = ReferenceFirm(slug="drones", name="Drones", source_url="https://drones.example/", description="Drones.")
    assert reference_firm_save(firm=firm, areas=areas, by=None) is True
    assert MatchRun.objects.filter(scope=MatchRun.Scope.ALL).exists()
    MatchRun.objects.all().delete()  # the queued rescore ran
    assert reference_firm_save(firm=firm, areas=areas, by=None) is False
    assert firm.history.count() == 1 and not MatchRun.objects.exists()

    reference_firm_delete(firm=firm, by=None, reason="Not a real firm")
    assert not ReferenceFirm.objects.exists()
    assert MatchRun.objects.filter(scope=MatchRun.Scope.ALL).exists()
    assert ReferenceFirm.history.filter(history_type="-").get().history_change_reason == "Not a real firm"


def test_the_loader_names_the_record_and_field_of_an_unknown_area(tmp_path, curated_areas):
    from web.curated import CuratedLoadError, curated_load

    (tmp_path / "reference_firms.yaml").write_text(
        yaml.safe_dump(
            [
                {
                    "slug": "mystery",
                    "name": "Mystery",
                    "source_url": "https://mystery.example/",
                    "core_areas": ["warp-drive"],
                    "description": "Faster than light.",
                }
            ]
        )
    )
    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=tmp_path)
    text = " ".join(str(error) for error in caught.value.errors)
    assert "reference_firms.yaml" in text and "mystery" in text and "core_areas" in text and "warp-drive" in text
    assert not ReferenceFirm.objects.exists()


def test_a_save_over_someone_elses_later_save_is_refused_and_writes_nothing(consultant_client, curated_areas):
    firm = ReferenceFirm(slug="aim", name="AIM", source_url="https://aim.example/", description="Lasers.")
    reference_firm_save(firm=firm, areas={"core_areas": [curated_areas["directed-energy"]]}, by=None)
    url = reverse("admin:programmes_referencefirm_change", args=[firm.pk])
    drawn = consultant_client.get(url).context["adminform"].form["edited_from"].value()
    assert drawn

    # Another consultant saves first.
    firm.description = "Lasers that stop small drones."
    reference_firm_save(firm=firm, areas={"core_areas": [curated_areas["directed-energy"]]}, by=None)

    form = {
        "slug": "aim",
        "name": "AIM",
        "source_url": "https://aim.example/",
        "description": "Lasers, an older text.",
        "core_areas": [curated_areas["directed-energy"].pk],
        "edited_from": drawn,
    }
    response = consultant_client.post(url, form)
    assert response.status_code == 200
    assert "saved this record after you opened it" in " ".join(response.context["adminform"].form.non_field_errors())
    firm.refresh_from_db()
    assert firm.description == "Lasers that stop small drones." and firm.history.count() == 2

    # Drawn again, the same edit saves.
    form["edited_from"] = consultant_client.get(url).context["adminform"].form["edited_from"].value()
    assert consultant_client.post(url, form).status_code == 302
    firm.refresh_from_db()
    assert firm.description == "Lasers, an older text."
