"""Callbacks that apps above matching register to follow the scoring runs, without matching importing them.

An app calls `after_chunk_stored(fn)` in its AppConfig.ready(); matching.runs then calls
`fn(company_ids=..., today=..., corpus=...)` after every chunk of firms has its new matches stored, in every run
scope (all, batch, company; an opportunity run passes the firms whose stored matches with it changed). `corpus` is
the run's fitted matching.features.Corpus, or None when the callback must build its own. A callback that raises
fails the run, as a failed chunk does; the matches already stored stay. docs/architecture.md, "Hooks".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

ChunkStored = Callable[..., Any]
_chunk_stored: list[ChunkStored] = []


def after_chunk_stored(callback: ChunkStored) -> ChunkStored:
    """Register CALLBACK to run after each chunk's matches are stored (once: registering twice is a no-op)."""
    if callback not in _chunk_stored:
        _chunk_stored.append(callback)
    return callback


def chunk_stored(*, company_ids: list[int], today: datetime.date, corpus: Any = None) -> None:
    """Call every registered callback for these firms, in registration order."""
    if not company_ids:
        return
    for callback in list(_chunk_stored):
        callback(company_ids=list(company_ids), today=today, corpus=corpus)


def registered() -> list[ChunkStored]:
    """The callbacks registered so far (for tests and the admin's eyes)."""
    return list(_chunk_stored)


# The partners to offer on a "needs a Japanese partner or entity" gap -----------------------------------------------

PARTNER_GAPS = frozenset({"partner_needed", "entity_needed", "gate_japanese_entity"})
GapPartners = Callable[[set[tuple[int, int]]], dict[tuple[int, int], list[dict[str, str]]]]
_gap_partners: list[GapPartners] = []


def gap_partners_provider(provider: GapPartners) -> GapPartners:
    """Register the one PROVIDER: {(company pk, opportunity pk)} -> {pair: [{slug, name, name_ja, role}, ...]}."""
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
