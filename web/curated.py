"""Load every curated fixture (fixtures/*.yaml) in one transaction: validated, idempotent, all or nothing.

Above both apps: the programmes loaders run first, then the demo firms that cite their areas and certifications.
Every record is checked with full_clean(); any error anywhere rolls the whole load back. A record is saved only
when one of its values differs, so a second run writes no history.
"""

import datetime
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from companies.curated import companies_load
from partners.curated import partners_load
from portal.curation import CuratedError, CuratedLoadError, LoadContext, LoadReport, read_records
from programmes.curated import (
    certifications_load,
    organisations_load,
    reference_firms_load,
    sources_catalogue_load,
    technology_areas_load,
)
from programmes.curated_opportunities import opportunities_load, related_sync

__all__ = ["CuratedLoadError", "curated_load", "curated_plan"]


def curated_load(
    *,
    directory: Path,
    today: datetime.date | None = None,
    overwrite: bool = False,
    overwrite_only: Iterable[str] = (),
) -> LoadReport:
    """Upsert every fixture in DIRECTORY in one transaction; raise CuratedLoadError (nothing written) on any error.

    A record a person edited since the last load is kept as they left it and named in the report, unless OVERWRITE,
    or its slug or code is among OVERWRITE_ONLY (each of which must name such a record).
    """
    ctx = LoadContext(
        directory=Path(directory),
        today=today or timezone.localdate(),
        overwrite=overwrite,
        overwrite_only=frozenset(overwrite_only),
    )
    plan = curated_plan(ctx.directory)
    if not plan:
        raise CuratedLoadError([CuratedError(str(directory), "-", "-", "no curated fixture files found")])
    with transaction.atomic():
        for loader, path in plan:
            ctx.file = path.name
            records = read_records(ctx, path)
            if records is not None:
                loader(ctx, records)
        related_sync(ctx)
        if not ctx.overwrite:
            ctx.overwrite_only_check()
        if ctx.errors:
            raise CuratedLoadError(ctx.errors)
    return ctx.report


def curated_plan(directory: Path) -> list[tuple[Callable[[LoadContext, list[dict]], None], Path]]:
    """The fixture files in DIRECTORY, in dependency order, each with the function that loads it."""
    order: list[tuple[str, Callable[[LoadContext, list[dict]], None]]] = [
        ("organisations.yaml", organisations_load),
        ("technology_areas.yaml", technology_areas_load),
        ("certifications.yaml", certifications_load),
        ("reference_firms.yaml", reference_firms_load),
        ("sources.yaml", sources_catalogue_load),
        ("opportunities*.yaml", opportunities_load),
        ("companies.yaml", companies_load),
        ("partners.yaml", partners_load),
    ]
    return [(loader, path) for pattern, loader in order for path in sorted(directory.glob(pattern))]
