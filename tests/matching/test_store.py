"""The stored-row agreement: scoring writes JSON exactly as PostgreSQL prints jsonb, so unchanged rows are skipped."""

import json
from decimal import Decimal

import pytest
from django.db import connection

from matching import engine, runs, store
from matching.models import Match
from matching.record import StoredMatch, jsonb_key_order, jsonb_text
from tests.factories import CompanyFactory, OpportunityFactory


@pytest.fixture
def scored(curated_areas):
    firm = CompanyFactory(slug="laser", description="High-energy laser beam director for counter-drone defence.")
    for slug in ("hub-a", "call-b"):
        OpportunityFactory(slug=slug, summary="High-energy laser.", areas=[curated_areas["directed-energy"]])
    return firm, runs._chunk_compute(run_id=None, company_ids=[firm.pk]).records


def test_jsonb_orders_keys_shorter_first_then_by_bytes():
    assert jsonb_key_order(["gate", "fit", "age", "é", "zz"]) == ["zz", "é", "age", "fit", "gate"]
    assert (
        jsonb_text({"gate": [1, {"bb": "é", "a": None}], "fit": 0.5})
        == '{"fit": 0.5, "gate": [1, {"a": null, "bb": "é"}]}'
    )


def test_a_scored_row_is_a_named_record_whose_json_reads_as_jsonb(scored):
    _firm, records = scored
    assert len(records) == 2 and all(isinstance(record, StoredMatch) for record in records)
    for record in records:
        for text in (record.parts, record.reasons, record.gaps):
            assert text == jsonb_text(json.loads(text, parse_float=Decimal))
        assert [len(part) for part in json.loads(record.parts)] == [2] * len(engine.COMPONENTS)


def test_copy_text_has_one_tab_separated_line_per_record_in_column_order(scored):
    _firm, records = scored
    lines = store.copy_text(records).splitlines()
    assert len(lines) == 2
    fields = lines[0].split("\t")
    assert fields[:3] == [str(records[0].company_id), str(records[0].opportunity_id), "\\N"]
    assert fields[4] == records[0].parts and fields[7] == ("t" if records[0].eligible else "f")


@pytest.mark.postgres
def test_on_postgresql_the_stored_text_and_digest_equal_the_records(scored):
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL")
    firm, records = scored
    runs.match_chunk_score(run_id=None, company_ids=[firm.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT opportunity_id, parts::text, reasons::text, gaps::text, {store._DIGEST_SQL} "
            "FROM matching_match WHERE company_id = %s",
            [firm.pk],
        )
        stored = {row[0]: row[1:] for row in cursor.fetchall()}
    for record in records:
        assert stored[record.opportunity_id] == (record.parts, record.reasons, record.gaps, store.digest(record))
    assert Match.objects.filter(company=firm).count() == 2
