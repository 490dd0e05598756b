"""Checks on the ranking development set itself (issue #12): real firms, complete labels, a fair split."""

import csv
import re
from collections import Counter
from pathlib import Path

import yaml

from companies.services import company_slug

RANKING = Path(__file__).resolve().parent / "ranking"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HUBS = ["rapid-acquisition-hub", "startup-council-hub", "startup-tech-proposal-hub"]


def _firms() -> list[dict]:
    return yaml.safe_load((RANKING / "firms.yaml").read_text())


def _areas() -> list[dict]:
    return yaml.safe_load((FIXTURES / "technology_areas.yaml").read_text())


def _labels() -> list[dict]:
    with (RANKING / "labels.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_set_has_the_firms_and_groups_the_issue_asks_for():
    groups = Counter(f["group"] for f in _firms())
    assert sum(groups.values()) >= 100
    assert groups["civilian"] >= 10
    assert groups["jargon"] >= 15
    assert groups["untagged"] + groups["jargon"] + groups["civilian"] >= sum(groups.values()) / 2


def test_each_firm_imports_under_the_slug_the_labels_use():
    firms = _firms()
    assert len({f["slug"] for f in firms}) == len(firms)
    for firm in firms:
        assert firm["slug"] == company_slug(firm["name"])
        assert firm["source"].startswith("https://")
        assert firm["country"] in {"AU", "US"}
        assert firm["size"] in {"startup", "sme", "large"}


def test_only_tagged_firms_tick_areas_and_only_curated_ones():
    slugs = {a["slug"] for a in _areas()}
    for firm in _firms():
        assert bool(firm["technology_areas"]) == (firm["group"] == "tagged"), firm["slug"]
        assert set(firm["technology_areas"]) <= slugs


def test_jargon_firms_use_no_area_name_or_keyword():
    terms = set()
    for area in _areas():
        terms |= {area["name"].lower(), area["slug"].replace("-", " ")} | {k.lower() for k in area["keywords"]}
    for firm in (f for f in _firms() if f["group"] == "jargon"):
        text = firm["description"].lower()
        found = [t for t in terms if re.search(rf"(?<![a-z0-9]){re.escape(t)}(s|es)?(?![a-z0-9])", text)]
        assert found == [], f"{firm['slug']} uses taxonomy words {found}"


def test_the_hub_columns_are_the_curated_hub_records():
    hubs = yaml.safe_load((FIXTURES / "opportunities-hubs.yaml").read_text())["records"]
    assert sorted(r["slug"] for r in hubs) == sorted(HUBS)


def test_every_firm_has_a_grade_for_every_area_and_hub():
    columns = [a["slug"] for a in _areas()] + HUBS
    rows = _labels()
    assert [r["slug"] for r in rows] == [f["slug"] for f in _firms()]
    for row in rows:
        assert list(row) == ["slug", *columns]
        assert {row[c] for c in columns} <= {"0", "1", "2", "3"}, row["slug"]


def test_defence_firms_have_a_relevant_area_and_decoys_almost_none():
    for firm, row in zip(_firms(), _labels(), strict=True):
        best = max(int(row[a["slug"]]) for a in _areas())
        if firm["group"] == "civilian":
            assert best <= 1, firm["slug"]
            assert all(row[h] == "0" for h in HUBS)
        else:
            assert best >= 1, firm["slug"]


def test_the_split_halves_every_group():
    split = yaml.safe_load((RANKING / "split.yaml").read_text())
    firms = {f["slug"]: f["group"] for f in _firms()}
    tune, test = set(split["tune"]), set(split["test"])
    assert isinstance(split["seed"], int)
    assert not tune & test
    assert tune | test == set(firms)
    for group in set(firms.values()):
        in_tune = sum(1 for s in tune if firms[s] == group)
        in_test = sum(1 for s in test if firms[s] == group)
        assert abs(in_tune - in_test) <= 1, group


def test_each_extension_halves_its_own_groups_and_names_firms_of_the_set():
    split = yaml.safe_load((RANKING / "split.yaml").read_text())
    firms = {f["slug"]: f["group"] for f in _firms()}
    tune = set(split["tune"])
    assert split["extensions"]
    for extension in split["extensions"]:
        added = extension["firms"]
        assert isinstance(extension["seed"], int)
        assert len(set(added)) == len(added) and set(added) <= set(firms)
        for group in {firms[s] for s in added}:
            in_tune = sum(1 for s in added if firms[s] == group and s in tune)
            in_test = sum(1 for s in added if firms[s] == group and s not in tune)
            assert abs(in_tune - in_test) <= 1, (extension["date"], group)
