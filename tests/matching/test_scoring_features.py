"""From words and rows to arrays: n-grams, keyword evidence, certification equivalence and timing."""

import datetime
from pathlib import Path

import numpy as np
import pytest
import yaml

from matching import features
from matching.features import AreaRow, CertificationRow, CompanyRow, OpportunityRow
from matching.vocabulary import Vocabulary

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TODAY = datetime.date(2026, 6, 1)
LASER = AreaRow(
    "directed-energy",
    "Directed energy",
    "High-energy lasers and microwaves.",
    ["beam director", "high-power microwave", "HPM", "counter-swarm", "adaptive optics"],
)
MINERALS = AreaRow(
    "critical-minerals",
    "Critical minerals",
    "Rare earths and magnets.",
    ["rare earth", "permanent magnet", "NdFeB", "sovereign supply"],
)


def firm(description, **kw):
    return CompanyRow(pk=kw.pop("pk", 1), slug="f", name="F", description=description, country="AU", size="sme", **kw)


def test_word_ngrams_make_phrases_terms_of_their_own_without_crossing_punctuation():
    vocabulary = Vocabulary(["beam director, adaptive optics\nrare earth"])
    assert vocabulary.phrase("beam director") and vocabulary.phrase("rare earth")
    assert vocabulary.phrase("director adaptive") == []  # a comma breaks the run
    assert vocabulary.phrase("optics rare") == []  # so does a line break


def test_a_phrase_ends_at_an_article_or_a_verb_but_not_at_a_connective():
    vocabulary = Vocabulary(["supply chain security\ncommand and control"])
    security = set(vocabulary.phrase("supply chain security"))
    assert security
    assert not security & set(vocabulary.transform(["supply chains have a secure source"]).indices.tolist())
    assert security <= set(vocabulary.transform(["supply chain security"]).indices.tolist())
    control = set(vocabulary.phrase("command and control"))
    assert control
    assert control <= set(vocabulary.transform(["command & control"]).indices.tolist())


def test_plurals_and_hyphens_read_like_the_keywords():
    vocabulary = Vocabulary(["high-power microwave beam director"])
    row = vocabulary.transform(["Our beam directors and high power microwaves"])
    found = set(row.indices.tolist())
    assert set(vocabulary.phrase("beam director")) <= found
    assert set(vocabulary.phrase("high-power microwave")) <= found


def test_a_firm_ticking_no_area_is_read_from_its_description():
    corpus = features.build_corpus([LASER, MINERALS], [], [])
    arrays = features.firm_arrays(
        corpus,
        [
            firm("Beam directors and adaptive optics for counter-swarm defence."),
            firm("Sovereign supply of NdFeB permanent magnets from Australian rare earth ore.", pk=2),
        ],
    )
    assert arrays.affinity[0, 0] > 0.6 > arrays.affinity[0, 1]
    assert arrays.affinity[1, 1] > 0.6 > arrays.affinity[1, 0]


def test_declared_area_counts_on_its_own():
    corpus = features.build_corpus([LASER, MINERALS], [], [])
    arrays = features.firm_arrays(corpus, [firm("We make things.", areas=["critical-minerals"])])
    assert arrays.affinity[0, 1] == pytest.approx(features.DECLARED)
    assert arrays.affinity[0, 0] == 0.0


def test_words_without_a_defence_setting_count_for_less():
    corpus = features.build_corpus([LASER, MINERALS], [], [])
    arrays = features.firm_arrays(
        corpus,
        [
            firm("Rare earth permanent magnets for electric bikes."),
            firm("Rare earth permanent magnets for defence primes and missile fins.", pk=2),
        ],
    )
    assert arrays.context[0] == 0.0 < arrays.context[1]
    assert arrays.affinity[0, 1] < arrays.affinity[1, 1]


@pytest.mark.parametrize("code", ["en9100", "jisq9100", "disp-l1", "cmmc-l3", "jp-defense-cybersecurity"])
def test_a_defence_certificate_places_a_firm_in_defence(code):
    corpus = features.build_corpus([LASER, MINERALS], [], [])
    described = "Rare earth permanent magnets."
    arrays = features.firm_arrays(
        corpus,
        [
            firm(described),
            firm(described, pk=2, certifications=[code]),
            firm(described, pk=3, certifications=["iso9001"]),
        ],
    )
    assert arrays.context[0] == arrays.context[2] == 0.0 < arrays.context[1]
    assert arrays.affinity[0, 1] < arrays.affinity[1, 1]


def test_the_defence_certificates_are_curated_codes():
    curated = {row["code"] for row in yaml.safe_load((FIXTURES / "certifications.yaml").read_text())}
    assert features.DEFENCE_CERTS <= curated


def test_certification_equivalence_is_closed_transitively():
    classes, members = features.certification_classes(
        [
            CertificationRow("as9100d", "AS9100D", ["en9100"]),
            CertificationRow("en9100", "EN 9100", ["jisq9100"]),
            CertificationRow("jisq9100", "JIS Q 9100"),
            CertificationRow("iso9001", "ISO 9001"),
        ]
    )
    assert classes["as9100d"] == classes["jisq9100"] == classes["en9100"] != classes["iso9001"]
    assert sorted(members[classes["jisq9100"]]) == ["as9100d", "en9100", "jisq9100"]


def test_holding_an_equivalent_meets_the_requirement():
    corpus = features.build_corpus(
        [LASER], [], [CertificationRow("as9100d", "AS9100D", ["jisq9100"]), CertificationRow("jisq9100", "JIS Q 9100")]
    )
    call = OpportunityRow(pk=1, slug="c", title="C", kind="call", text="lasers", certifications=["as9100d"])
    opps = features.opportunity_arrays(corpus, [call], today=TODAY)
    firms = features.firm_arrays(corpus, [firm("lasers", certifications=["jisq9100"])])
    assert (firms.certs @ opps.required.T)[0, 0] == 1.0


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (dict(kind="call", opens_on=TODAY - datetime.timedelta(days=3), closes_on=TODAY), 1.0),
        (dict(kind="call", opens_on=TODAY + datetime.timedelta(days=73)), 0.7),
        (dict(kind="call", closes_on=TODAY - datetime.timedelta(days=1)), 0.0),
        (dict(kind="event", starts_on=TODAY + datetime.timedelta(days=30)), 1.0),
        (dict(kind="event", starts_on=TODAY + datetime.timedelta(days=60 + 146)), 0.6),
        (
            dict(
                kind="event", starts_on=TODAY - datetime.timedelta(days=9), ends_on=TODAY - datetime.timedelta(days=7)
            ),
            0.0,
        ),
        (dict(kind="hub"), features.STANDING_TIMING),
    ],
)
def test_timing_ranks_open_calls_and_near_events_first(row, expected):
    o = OpportunityRow(pk=1, slug="o", title="O", text="", **row)
    assert features.timing(o, TODAY) == pytest.approx(expected)


def test_opportunity_text_keeps_its_heaviest_terms_at_unit_length():
    vocabulary = Vocabulary([" ".join(f"w{i}" for i in range(100))])
    matrix = features.top_terms(vocabulary.transform([" ".join(f"w{i}" for i in range(100))]), 10)
    assert matrix.nnz == 10
    assert np.sqrt((matrix.data**2).sum()) == pytest.approx(1.0, abs=1e-5)


def test_every_curated_keyword_and_related_term_is_a_term_the_matcher_can_find():
    """A keyword whose words the tokeniser splits apart ("EO/IR", "re-entry", "Industry 4.0") would never match."""
    import yaml

    from tests.matching.conftest import FIXTURES

    areas = yaml.safe_load((FIXTURES / "technology_areas.yaml").read_text())
    phrases = [p for a in areas for p in (a.get("keywords") or []) + (a.get("related_terms") or [])]
    vocabulary = Vocabulary(["\n".join(phrases)])

    assert len(phrases) > 1000
    assert [p for p in phrases if not vocabulary.phrase(p)] == []
    for text, phrase in [("EO/IR gimbals", "EO/IR gimbal"), ("Industry 4.0 lines", "Industry 4.0")]:
        assert set(vocabulary.phrase(phrase)) <= set(vocabulary.transform([text]).indices.tolist())
