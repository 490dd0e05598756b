"""Inside a match run, partner fits come from what the run hands over (hooks.ChunkContext) and equal a cold refit."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import hooks
from matching.models import MatchRun
from matching.runs import match_run_create, match_run_execute
from partners import scoring, store, table
from partners.models import ForeignPartnership, PartnerFit
from partners.scoring import partner_fits_after_chunk, partner_fits_compute
from partners.store import partner_fits_store
from programmes.models import Confidence
from tests.factories import CallFactory, CompanyFactory
from tests.partners.conftest import make_partner


@pytest.fixture
def world(firm_a, firm_b, areas, partners):
    """Firms of several sizes and countries, records the partners work on, ties, and a low-confidence partner."""
    firm_a.technology_areas.add(areas["usv"], areas["uuv"])
    firm_b.technology_areas.add(areas["cyber"])
    firms = [firm_a, firm_b]
    for k, (area, country, size) in enumerate(
        [("uav", "AU", "startup"), ("ai-autonomy", "US", "large"), ("usv", "GB", "sme"), ("cyber", "AU", "startup")]
    ):
        firms.append(
            CompanyFactory(
                slug=f"firm-{k}", country=country, size=size, areas=[areas[area]],
                description=f"We build {area} systems for the navy, autonomy and sensors for defence customers.",
            )
        )  # fmt: skip
    calls = [CallFactory(slug=f"call-{slug}", areas=[areas[slug]]) for slug in ("usv", "uuv", "cyber", "uav")]
    partners["shipyard"].programmes.add(calls[0], calls[1])
    partners["it_prime"].programmes.add(calls[2])
    ForeignPartnership.objects.create(
        partner=partners["drones"], counterpart="Back\\slash Aero", country="US", summary="Drones.",
        source_url="https://news.example/drones",
    )  # fmt: skip
    make_partner(
        "lab", role="research", areas={areas["ai-autonomy"]: 0.5, areas["uav"]: 0.3}, confidence=Confidence.LOW
    )
    return firms


@pytest.fixture
def chunks_seen():
    """The ChunkContext the run hands to the hooks, chunk by chunk, with the run's corpus."""
    seen: list[tuple[hooks.ChunkContext | None, object]] = []

    def capture(*, company_ids, today, corpus, chunk):
        seen.append((chunk, corpus))

    hooks.after_chunk_stored(capture)
    yield seen
    hooks._chunk_stored.remove(capture)


def _rows(fits) -> list[tuple]:
    return [(f.company_id, f.partner_id, f.score, f.components, f.reasons, f.gaps) for f in fits]


def test_partner_fits_from_the_runs_context_equal_those_read_afresh(world, chunks_seen, settings):
    settings.MATCHING_CHUNK_SIZE = 4  # two chunks: the second one reuses the run's partner table
    run = match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    assert run.status == MatchRun.Status.SUCCEEDED
    assert len(chunks_seen) == 2 and all(chunk is not None for chunk, _corpus in chunks_seen)
    today = timezone.localdate()

    for chunk, _corpus in chunks_seen:
        ids = chunk.company_ids
        from_run = partner_fits_compute(company_ids=ids, today=today, corpus=None, chunk=chunk)
        afresh = partner_fits_compute(company_ids=ids, today=today)

        assert from_run and _rows(from_run) == _rows(afresh)
    # What the hook stored is what a cold refit computes, row for row.
    stored = PartnerFit.objects.order_by("company_id", "partner_id")
    refit = partner_fits_compute(company_ids=[firm.pk for firm in world], today=today)
    assert _rows(stored) == sorted(_rows(row.model() for row in refit))


def test_the_context_carries_each_firms_best_eligible_matches_as_stored(world, chunks_seen):
    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    ((chunk, _corpus),) = chunks_seen

    assert chunk.best_opportunities(scoring.BEST_OPPORTUNITIES) == scoring.best_opportunities(chunk.company_ids)


def test_a_run_builds_the_partner_table_once_and_reads_no_firm_again(world, settings, monkeypatch):
    settings.MATCHING_CHUNK_SIZE = 2  # three chunks
    built: list[int] = []

    class Counted(table.PartnerTable):
        def __init__(self, area_slugs):
            built.append(1)
            super().__init__(area_slugs)

    monkeypatch.setattr(table, "PartnerTable", Counted)
    monkeypatch.setattr(scoring, "best_opportunities", lambda ids: pytest.fail("read the stored matches again"))
    monkeypatch.setattr(scoring, "firm_arrays", lambda *args, **kwargs: pytest.fail("rebuilt the firm arrays"))

    run = match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)

    assert run.status == MatchRun.Status.SUCCEEDED
    assert len(built) == 1
    assert PartnerFit.objects.values("company").distinct().count() == len(world)


def test_the_hook_costs_the_same_queries_for_2_and_6_firms(world, chunks_seen):
    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    ((chunk, corpus),) = chunks_seen
    today = timezone.localdate()
    two = hooks.ChunkContext(
        firms=dataclasses.replace(chunk.firms, rows=chunk.companies[:2], affinity=chunk.firms.affinity[:2]),
        records=[r for r in chunk.records if r.company_id in chunk.company_ids[:2]],
        cache=chunk.cache,
    )
    assert len(chunk.company_ids) == 6

    # The partner table and the opportunities' slugs are read on the run's first chunk only.
    partner_fits_after_chunk(company_ids=chunk.company_ids, today=today, corpus=corpus, chunk=chunk)
    with CaptureQueriesContext(connection) as for_two:
        partner_fits_after_chunk(company_ids=two.company_ids, today=today, corpus=corpus, chunk=two)
    with CaptureQueriesContext(connection) as for_six:
        partner_fits_after_chunk(company_ids=chunk.company_ids, today=today, corpus=corpus, chunk=chunk)

    # the partners' fingerprint; savepoint; delete the firms' fits; one insert (COPY on PostgreSQL, one bulk INSERT
    # elsewhere); release
    assert len(for_two) == len(for_six) <= 5, [q["sql"][:80] for q in for_six]


def test_a_partner_deleted_during_a_run_is_left_out_of_the_next_chunks(world, partners, chunks_seen):
    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    ((chunk, corpus),) = chunks_seen
    first = scoring.partner_table(corpus, chunk.cache)
    gone = partners["drones"].pk

    partners["drones"].delete()  # a consultant deletes a partner while the nightly rescore runs
    partner_fits_after_chunk(company_ids=chunk.company_ids, today=timezone.localdate(), corpus=corpus, chunk=chunk)

    assert gone in first.pks and gone not in scoring.partner_table(corpus, chunk.cache).pks
    assert not PartnerFit.objects.filter(partner_id=gone).exists()
    assert PartnerFit.objects.filter(company_id__in=chunk.company_ids).exists()


def test_storing_the_same_fits_again_writes_nothing_and_keeps_their_time(world):
    today = timezone.localdate()
    ids = [firm.pk for firm in world]
    first = partner_fits_compute(company_ids=ids, today=today)
    partner_fits_store(company_ids=ids, fits=first)
    before = sorted(PartnerFit.objects.values_list("company_id", "partner_id", "pk", "computed_at"))

    again = partner_fits_compute(company_ids=ids, today=today)
    assert partner_fits_store(company_ids=ids, fits=again) == len(first)

    after = sorted(PartnerFit.objects.values_list("company_id", "partner_id", "pk", "computed_at"))
    if connection.vendor == "postgresql":
        assert after == before  # the same rows: nothing was deleted or written
    else:
        assert [row[:2] for row in after] == [row[:2] for row in before]


@pytest.mark.postgres
def test_on_postgresql_the_stored_text_and_digest_equal_the_rows(world):
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL")
    rows = partner_fits_compute(company_ids=[firm.pk for firm in world], today=timezone.localdate())
    partner_fits_store(company_ids=[firm.pk for firm in world], fits=rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT company_id, partner_id, components::text, reasons::text, gaps::text, {store._DIGEST_SQL} "
            "FROM partners_partnerfit"
        )
        stored = {(c, p): rest for c, p, *rest in cursor.fetchall()}

    assert len(stored) == len(rows)
    for row in rows:
        assert stored[row.company_id, row.partner_id] == [row.components, row.reasons, row.gaps, store.digest(row)]
