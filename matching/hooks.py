"""Callbacks that apps above matching register to follow the scoring runs, without matching importing them.

An app calls `after_chunk_stored(fn)` in its AppConfig.ready(); matching.runs then calls
`fn(company_ids=..., today=..., corpus=..., chunk=...)` after every chunk of firms has its new matches stored, in
every run scope (all, batch, company). An opportunity run passes the firms that had or now have a stored match with
the record; a callback registered with `best=N` (it reads only each firm's N best eligible matches) gets only the
firms for which the record was or is among those N, since no other firm's N best can have changed.
`corpus` is the run's fitted matching.features.Corpus, or None when the callback must build its own. `chunk` is a
ChunkContext with what the run already holds for those firms (their rows, their arrays, the matches just stored),
or None (an opportunity run, a caller outside a run): the callback then reads what it needs itself. A callback that
raises fails the run, as a failed chunk does; the matches already stored stay. docs/architecture.md, "Hooks".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matching.features import CompanyRow, FirmArrays
    from matching.record import StoredMatch

ChunkStored = Callable[..., Any]
_chunk_stored: list[ChunkStored] = []
_best: dict[ChunkStored, int] = {}  # callback -> the N best eligible matches per firm it reads (all when absent)


@dataclass
class ChunkContext:
    """What a run already holds for one stored chunk, so a callback need not read or compute it again.

    `firms` is the chunk's FirmArrays (its `rows` are the chunk's CompanyRows, in the order scored: pk order);
    `records` are the rows just stored for those firms, all of them (the firms' whole match lists); `cache` lives as
    long as the run's context (every chunk of one run sees the same dict), for what a callback builds once per run.
    """

    firms: FirmArrays
    records: Sequence[StoredMatch]
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def companies(self) -> list[CompanyRow]:
        return self.firms.rows

    @property
    def company_ids(self) -> list[int]:
        return [row.pk for row in self.firms.rows]

    def best_opportunities(self, limit: int) -> dict[int, list[int]]:
        """Each firm's LIMIT best eligible stored matches (opportunity pks), best first: the order of the query
        `Match.objects.filter(eligible=True).order_by("company_id", "-score", "opportunity_id")` over these rows."""
        best: dict[int, list[int]] = defaultdict(list)
        eligible = self._column("eligible", np.bool_)
        if not eligible.any():
            return best
        company, score, opportunity = (
            self._column(name, dtype)[eligible]
            for name, dtype in (("company_id", np.int64), ("score", np.float64), ("opportunity_id", np.int64))
        )
        order = np.lexsort((opportunity, -score, company))
        company, opportunity = company[order], opportunity[order]
        # Rank within each firm (the rows are grouped by firm now): keep the first LIMIT of each group.
        starts = np.flatnonzero(np.r_[True, company[1:] != company[:-1]])
        rank = np.arange(len(company)) - np.repeat(starts, np.diff(np.r_[starts, len(company)]))
        for firm, pk in zip(company[rank < limit].tolist(), opportunity[rank < limit].tolist(), strict=True):
            best[firm].append(pk)
        return best

    def _column(self, name: str, dtype: type) -> np.ndarray:
        """One field of every record as an array, read without a Python loop of our own (a run has a million)."""
        return np.fromiter(map(attrgetter(name), self.records), dtype=dtype, count=len(self.records))


def after_chunk_stored(callback: ChunkStored, *, best: int | None = None) -> ChunkStored:
    """Register CALLBACK to run after each chunk's matches are stored (once: registering twice is a no-op).

    BEST=N says the callback reads nothing of a firm's matches but its N best eligible ones, in the order of
    ChunkContext.best_opportunities: an opportunity run then hands it only the firms for which the record was or
    is among them (`opportunity_stored`)."""
    if callback not in _chunk_stored:
        _chunk_stored.append(callback)
    if best is not None:
        _best[callback] = best
    return callback


def chunk_stored(
    *, company_ids: list[int], today: datetime.date, corpus: Any = None, chunk: ChunkContext | None = None
) -> None:
    """Call every registered callback for these firms, in registration order (CHUNK: see ChunkContext)."""
    if not company_ids:
        return
    for callback in list(_chunk_stored):
        callback(company_ids=list(company_ids), today=today, corpus=corpus, chunk=chunk)


def best_depths() -> set[int]:
    """The N of every callback registered with best=N: an opportunity run finds, for each, the firms for which its
    record is among their N best eligible matches, before and after it stores (`opportunity_stored`)."""
    return {_best[callback] for callback in _chunk_stored if callback in _best}


def opportunity_stored(
    *,
    company_ids: list[int],
    among_best: dict[int, set[int]],
    today: datetime.date,
    corpus: Any = None,
    size: int,
) -> None:
    """After an opportunity run stored its column: call every callback with the firms COMPANY_IDS (those that had
    or now have a match with the record), SIZE at a time; a callback registered with best=N gets only those in
    AMONG_BEST[N] (the firms for which the record was or is among their N best eligible matches)."""
    for callback in list(_chunk_stored):
        depth = _best.get(callback)
        ids = sorted(among_best[depth]) if depth is not None else list(company_ids)
        for start in range(0, len(ids), size):
            callback(company_ids=ids[start : start + size], today=today, corpus=corpus, chunk=None)


def registered() -> list[ChunkStored]:
    """The callbacks registered so far (for tests and the admin's eyes)."""
    return list(_chunk_stored)


# The partners to offer on a "needs a Japanese partner or entity" gap -----------------------------------------------

PARTNER_GAPS = frozenset({"partner_needed", "entity_needed", "gate_japanese_entity"})
GapPartners = Callable[[set[tuple[int, int]]], dict[tuple[int, int], list[dict[str, str]]]]
_gap_partners: list[GapPartners] = []


def gap_partners_provider(provider: GapPartners) -> GapPartners:
    """Register the one PROVIDER: {(company pk, opportunity pk)} -> {pair: [{slug, name, name_ja, name_kana, role},
    ...]}."""
    _gap_partners[:] = [provider]
    return provider


def gap_partners(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[dict[str, str]]]:
    """The partners to offer for each (firm, opportunity) pair whose match has a partner gap; {} with no provider."""
    if not pairs or not _gap_partners:
        return {}
    return _gap_partners[0](pairs)


# Refitting partner fits when a partner record changed ------------------------------------------------------------

PartnerRefit = Callable[[], Any]
_partner_refit: list[PartnerRefit] = []


def partner_refit_provider(refit: PartnerRefit) -> PartnerRefit:
    """Register the one REFIT: enqueue the refit of every firm's partner fits (matching.dispatch calls it on commit)."""
    _partner_refit[:] = [refit]
    return refit


def partner_refit() -> None:
    """Enqueue the partner refit; nothing happens with no provider (no app above matching follows partners)."""
    for refit in list(_partner_refit):
        refit()


# A record's areas changed --------------------------------------------------------------------------------------
#
# What a firm marked "wrong technology" counts against the record's main areas as they were when it was marked
# (workspace, above matching, keeps the marks: matching.models.FeedbackMark). When a curator changes records' areas,
# the app that keeps the marks recounts them for the firms that marked one, once the change commits
# (matching.dispatch.opportunity_areas_changed; docs/matching.md, "Feedback from firms").

AreasChanged = Callable[[list[int]], Any]
_areas_changed: list[AreasChanged] = []


def record_areas_changed_follower(callback: AreasChanged) -> AreasChanged:
    """Register CALLBACK(opportunity_ids), called when a transaction that changed records' area links commits."""
    if callback not in _areas_changed:
        _areas_changed.append(callback)
    return callback


def record_areas_changed(opportunity_ids: list[int]) -> None:
    """Tell the registered followers which records' areas changed (programmes.services, through dispatch)."""
    for callback in list(_areas_changed):
        callback(opportunity_ids)


# A record's deadline moved ---------------------------------------------------------------------------------------
#
# A firm's pipeline entry is due on the record's deadline when it is made (workspace, above matching). When a
# curator moves the deadline, entries still due on the old one follow it, in the curator's transaction
# (matching.dispatch.opportunity_deadline_moved; docs/workspace.md).

DeadlineMoved = Callable[[int, datetime.date, datetime.date], Any]
_deadline_moved: list[DeadlineMoved] = []


def record_deadline_moved_follower(callback: DeadlineMoved) -> DeadlineMoved:
    """Register CALLBACK(opportunity_id, old, new), called when a record's deadline moves from OLD to NEW."""
    if callback not in _deadline_moved:
        _deadline_moved.append(callback)
    return callback


def record_deadline_moved(opportunity_id: int, old: datetime.date, new: datetime.date) -> None:
    """Tell the registered followers that a record's deadline moved (programmes.services, through dispatch)."""
    for callback in list(_deadline_moved):
        callback(opportunity_id, old, new)


# The notices to name on a firm's gaps (issue #13) ------------------------------------------------------------------
#
# A notice is a rule or policy change (notices app, above matching). Its gap items are worked out when a match is
# read, never stored, so a new or withdrawn notice shows at once without a rescore. Each item is
# {"code": "notice" | "notice_due", "params": {"notice": slug, "date": ISO date}, "notice": {"slug", "url",
# "on_record"}}: params as any explanation item, plus the link (`on_record`: the notice is listed on the record's page).

GapNotices = Callable[[set[tuple[int, int]]], dict[tuple[int, int], list[dict[str, Any]]]]
NoticeTitles = Callable[[], dict[str, tuple[str, str]]]
_gap_notices: list[GapNotices] = []
_notice_titles: list[NoticeTitles] = []


def gap_notices_provider(provider: GapNotices, titles: NoticeTitles) -> None:
    """Register the one PROVIDER {(firm pk, opportunity pk)} -> {pair: [item, ...]} and TITLES {slug: (en, ja)}."""
    _gap_notices[:] = [provider]
    _notice_titles[:] = [titles]


def gap_notices(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The notice gap items of each (firm, opportunity) pair the notices affect; {} with no provider."""
    if not pairs or not _gap_notices:
        return {}
    return _gap_notices[0](pairs)


def notice_titles() -> dict[str, tuple[str, str]]:
    """Every published notice's English and Japanese title by slug; {} with no provider."""
    return _notice_titles[0]() if _notice_titles else {}
