"""Write fixtures/reference_firms.yaml from the `tune` half of the ranking development set (docs/matching.md) and the
firms written only as reference firms (tests/matching/ranking/reference_only.yaml).

The reference firms are the scorer's examples of how firms write about each area. They are taken from the `tune`
half, with the grades written for them before any scorer ran, and without the `tune` firms of a group that has a
firm in the `test` half, and from firms that are in neither half, so the `test` half stays unseen:
tests/matching/test_reference_firms.py checks that the fixture is exactly what this script writes.

    .venv/bin/python bench/reference_firms.py          # rewrite the fixture
    .venv/bin/python bench/reference_firms.py --check  # exit 1 if the fixture differs
"""

import argparse
import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RANKING = ROOT / "tests" / "matching" / "ranking"
FIXTURE = ROOT / "fixtures" / "reference_firms.yaml"
ONLY = RANKING / "reference_only.yaml"  # firms written as reference firms only, in neither half
GRADE_FIELDS = {3: "core_areas", 2: "significant_areas", 1: "tangential_areas"}
# Groups with a firm in each half: a `tune` firm of the group would bring its sister's product words into the profiles
# the `test` firm is scored against, so the group's `tune` firms are left out (Anduril Australia and Anduril
# Industries share products; so do Bell Textron and Textron Systems, and the two General Atomics firms).
GROUPS_ACROSS_HALVES = ("anduril", "textron", "general-atomics")
HEADER = """\
# Reference firms: real firms' own descriptions, graded against the technology areas (docs/matching.md, "Reference
# firms"). The scorer reads each area's reference firms as examples of how firms write about it.
#
# Written by bench/reference_firms.py from the `tune` half of the ranking development set (tests/matching/ranking/)
# and from the firms written as reference firms only (tests/matching/ranking/reference_only.yaml): descriptions
# paraphrased from each firm's public page (`source_url`), grades from the labelling guide (3 core, 2 significant,
# 1 tangential), written before any scorer ran. The `test` half is never here, nor a `tune` firm of a group with a
# firm in `test` (bench/reference_firms.py, GROUPS_ACROSS_HALVES).
# Consultants may add or edit reference firms in the admin; rerunning the script rewrites this file.
"""


def reference_firms() -> list[dict]:
    """The tune firms that work in at least one area and the reference-only firms, each with its description and its
    areas by grade."""
    with (RANKING / "labels.csv").open(newline="") as fh:
        labels = {row.pop("slug"): {k: int(v) for k, v in row.items()} for row in csv.DictReader(fh)}
    split = yaml.safe_load((RANKING / "split.yaml").read_text())
    tune = set(split["tune"])
    out = []
    for firm in yaml.safe_load((RANKING / "firms.yaml").read_text()):
        if firm["slug"] not in tune or sister_of_a_test_firm(firm["slug"], split["test"]):
            continue
        grades = {area: grade for area, grade in labels[firm["slug"]].items() if grade and not area.endswith("-hub")}
        if not grades:
            continue  # a civilian decoy: an example of no area
        record = {"slug": firm["slug"], "name": firm["name"], "source_url": firm["source"]}
        for grade, field in GRADE_FIELDS.items():
            chosen = sorted(area for area, g in grades.items() if g == grade)
            if chosen:
                record[field] = chosen
        record["description"] = firm["description"]
        out.append(record)
    for firm in yaml.safe_load(ONLY.read_text()):
        out.append({key: firm[key] for key in ("slug", "name", "source_url", *GRADE_FIELDS.values()) if key in firm})
        out[-1]["description"] = firm["description"]
    return sorted(out, key=lambda record: record["slug"])


def sister_of_a_test_firm(slug: str, test: list[str]) -> bool:
    """Whether SLUG belongs to a group (GROUPS_ACROSS_HALVES) that has a firm in the `test` half."""
    return any(group in slug and any(group in other for other in test) for group in GROUPS_ACROSS_HALVES)


def fixture_text() -> str:
    body = yaml.safe_dump(reference_firms(), allow_unicode=True, sort_keys=False, width=118)
    return HEADER + body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the fixture is not what would be written")
    args = parser.parse_args()
    text = fixture_text()
    if args.check:
        same = FIXTURE.exists() and FIXTURE.read_text(encoding="utf-8") == text
        print("fixtures/reference_firms.yaml is up to date" if same else "fixtures/reference_firms.yaml differs")
        sys.exit(0 if same else 1)
    FIXTURE.write_text(text, encoding="utf-8")
    print(f"wrote {FIXTURE.relative_to(ROOT)}: {len(reference_firms())} reference firms")


if __name__ == "__main__":
    main()
