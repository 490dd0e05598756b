"""The kit every curated-fixture loader uses: errors worded by file, record and field; upserts that save only
what differs, through the app's own save service; relation syncs. Ground layer: programmes/curated.py and
companies/curated.py build on it, and web/curated.py runs them all in one transaction (docs/curation.md).
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_noop

CHANGE_REASON = gettext_noop("curated fixture load")  # shown translated (portal.history)
# Keys a record may carry for curators' eyes only (research notes); the loader skips them.
NOTE_KEYS = frozenset({"note", "notes"})


@dataclass(frozen=True)
class CuratedError:
    """One problem in one record, worded as `FILE: record SLUG, field F: why`."""

    file: str
    slug: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.slug}, field {self.field}: {self.message}"


class CuratedLoadError(Exception):
    """The fixtures hold errors; nothing was written."""

    def __init__(self, errors: list[CuratedError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the curated fixtures")
        self.errors = errors


@dataclass
class LoadReport:
    """How many records of each kind a load created, updated, left unchanged or kept as a person edited them."""

    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)  # "partner mhi": records a person edited since the last load

    def add(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def lines(self) -> list[str]:
        kinds = sorted({kind for kind, _ in self.counts})
        lines = []
        for kind in kinds:
            line = (
                f"{kind}: {self.counts[(kind, 'created')]} created, {self.counts[(kind, 'updated')]} updated, "
                f"{self.counts[(kind, 'unchanged')]} unchanged"
            )
            if kept := self.counts[(kind, "kept")]:
                line += f", {kept} kept as edited since the last load"
            lines.append(line)
        return lines


@dataclass
class LoadContext:
    """State shared by the per-file loaders during one load."""

    directory: Path
    today: datetime.date
    errors: list[CuratedError] = field(default_factory=list)
    report: LoadReport = field(default_factory=LoadReport)
    source_catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Opportunity slug -> (file, related slugs), linked once every file is loaded.
    related: dict[str, tuple[str, Any]] = field(default_factory=dict)
    # (kind, slug) -> file that first defined it, to refuse duplicates across files.
    seen: dict[tuple[str, str], str] = field(default_factory=dict)
    file: str = ""
    # False: a record a person edited since the last load (in the admin, the API or a page) is left as they left it.
    overwrite: bool = False
    # The slugs or codes of edited records to replace all the same (`load_curated --overwrite-only`); the rest are kept.
    overwrite_only: frozenset[str] = frozenset()
    overwritten: set[str] = field(default_factory=set)

    # (model, key field) -> the keys of its rows a person edited last, read once per model (persons_edits).
    edited: dict[tuple[type[models.Model], str], set[Any]] = field(default_factory=dict)

    def kept(self, kind: str, model: type[models.Model], lookup: dict[str, Any]) -> bool:
        """Whether the record of MODEL at LOOKUP ({key field: value}) is to be left alone: a person wrote its last
        history row and this load does not overwrite. Counted and named in the report."""
        if self.overwrite:
            return False
        (key, value), *_ = lookup.items()
        if (model, key) not in self.edited:
            self.edited[(model, key)] = persons_edits(model, key)
        if value not in self.edited[(model, key)]:
            return False
        if value in self.overwrite_only:
            self.overwritten.add(value)
            return False
        self.report.add(kind, "kept")
        self.report.kept.append(f"{kind} {next(iter(lookup.values()))}")
        return True

    def overwrite_only_check(self) -> None:
        """Refuse the load if a name given to overwrite is no record a person edited: a typo would otherwise pass as
        a record put back."""
        for name in sorted(self.overwrite_only - self.overwritten):
            message = "no record a person edited since the last load has it"
            self.errors.append(CuratedError("--overwrite-only", name, "slug or code", message))

    def error(self, slug: object, field_name: str, message: str) -> None:
        self.errors.append(CuratedError(self.file, str(slug or "?"), field_name, message))

    def errors_from(self, slug: object, exc: ValidationError, prefix: str = "") -> None:
        """Record a ValidationError field by field, as forms and the CSV import do."""
        if hasattr(exc, "error_dict"):
            for name, field_errors in exc.message_dict.items():
                label = prefix + name if name != "__all__" else (prefix.rstrip(".") or "__all__")
                for message in field_errors:
                    self.error(slug, label, message)
        else:
            for message in exc.messages:
                self.error(slug, prefix.rstrip(".") or "__all__", message)


def persons_edits(model: type[models.Model], key: str) -> set[Any]:
    """The KEY values (slugs, codes) of MODEL's rows whose latest history row names a user: a person changed them after
    the last fixture load, which writes with no user. One query; a model without history has none."""
    history = getattr(model, "history", None)
    if history is None:
        return set()
    last_user = (
        history.filter(**{model._meta.pk.attname: OuterRef("pk")})
        .order_by("-history_date", "-history_id")
        .values("history_user_id")[:1]
    )
    rows = model.objects.annotate(last_user=Subquery(last_user)).filter(last_user__isnull=False)
    return set(rows.values_list(key, flat=True))


def read_records(ctx: LoadContext, path: Path) -> list[dict] | None:
    """A file's records: a YAML list, or a mapping with `records` and optional `defaults` merged into each."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        ctx.error("-", "-", f"not valid YAML: {exc}")
        return None
    defaults: Any = {}
    if isinstance(data, dict):
        defaults = data.get("defaults") or {}
        data = data.get("records")
    if not isinstance(defaults, dict):
        ctx.error("-", "defaults", "expected a mapping of field to value")
        return None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        ctx.error("-", "-", "expected a list of records (or a mapping with `records`)")
        return None
    return [{**defaults, **record} for record in data]


def plain(value: Any) -> Any:
    """A value reduced to builtins so that old and new values compare equal when they mean the same."""
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if hasattr(value, "code") and value.__class__.__name__ == "Country":
        return value.code
    return value


def split_record(
    ctx: LoadContext, record: dict, *, kind: str, key: str, fields: Iterable[str], relations: Iterable[str] = ()
) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    """(key value, scalar values, relation values) of a record; unknown keys and duplicate keys are errors."""
    known = {key, *fields, *relations}
    slug = record.get(key)
    for name in record:
        if name not in known and name not in NOTE_KEYS:
            ctx.error(slug, name, "unknown field")
    if not slug or not isinstance(slug, str):
        ctx.error(slug, key, "required")
        slug = None
    elif (kind, slug) in ctx.seen:
        ctx.error(slug, key, f"duplicate {key}: already defined in {ctx.seen[(kind, slug)]}")
        slug = None
    else:
        ctx.seen[(kind, slug)] = ctx.file
    scalars = {name: record[name] for name in fields if name in record}
    links = {name: record[name] for name in relations if name in record}
    return slug, scalars, links


def upsert(
    ctx: LoadContext,
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    save: Callable[[Any], object] | None = None,
) -> tuple[models.Model | None, str]:
    """Create or update one row from curated VALUES, saving only when something differs.

    SAVE is the app's save service (the one the admin calls), given the changed row; without one the row is saved
    with the curated reason. Returns the row (None if invalid) and "created", "updated" or "unchanged". Fields the
    fixture omits are reset to their defaults: the fixture is the whole record.
    """
    slug = next(iter(lookup.values()))
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    before = snapshot(obj, values)
    for name in curated_fields(model, values):
        if name not in lookup:
            setattr(obj, name, values.get(name, model._meta.get_field(name).get_default()))
    try:
        obj.full_clean()
    except ValidationError as exc:
        ctx.errors_from(slug, exc)
        return None, "invalid"
    changed = created or snapshot(obj, values) != before
    if changed:
        try:
            _save(obj, save)
        except ValidationError as exc:
            ctx.errors_from(slug, exc)
            return None, "invalid"
    return obj, "created" if created else "updated" if changed else "unchanged"


def _save(obj: models.Model, save: Callable[[Any], object] | None) -> None:
    if save is not None:
        save(obj)
        return
    obj._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
    obj.save()


def curated_fields(model: type[models.Model], values: dict[str, Any]) -> list[str]:
    """The names of MODEL's editable, non-relational fields a fixture may set (plus any VALUES names)."""
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.is_relation and not getattr(f, "auto_now", False)
    ]
    return names + [name for name in values if name not in names]


def snapshot(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The comparable current values of the fields a fixture sets."""
    return {name: plain(getattr(obj, name)) for name in curated_fields(type(obj), values)}


def resolve(
    ctx: LoadContext, slug: str, field_name: str, model: type[models.Model], keys: Any, *, key: str = "slug"
) -> list[models.Model] | None:
    """The rows of MODEL named by KEYS (a list of slugs or codes); None, with an error, if any is unknown."""
    if keys is None:
        return []
    if not isinstance(keys, list) or not all(isinstance(item, str) for item in keys):
        ctx.error(slug, field_name, f"expected a list of {key}s")
        return None
    found = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": keys})}
    missing = [item for item in keys if item not in found]
    if missing:
        ctx.error(slug, field_name, f"unknown {model._meta.verbose_name} {', '.join(missing)}")
        return None
    return [found[item] for item in dict.fromkeys(keys)]


def m2m_sync(obj: models.Model, attr: str, targets: list[models.Model]) -> bool:
    """Make OBJ.ATTR hold exactly TARGETS; touch nothing (so write no history) when it already does."""
    manager = getattr(obj, attr)
    wanted = {target.pk for target in targets}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    obj._change_reason = CHANGE_REASON
    manager.set(targets)
    return True


def links_sync(
    ctx: LoadContext,
    slug: str,
    field: str,
    existing: dict[int, models.Model],
    targets: list[models.Model],
    *,
    new_link: Callable[[Any], models.Model],
    attr: str,
    value: Callable[[Any], Any],
    label: Callable[[Any], str],
) -> bool:
    """Make a record's through-table rows (EXISTING, by target pk) link exactly TARGETS, each with its ATTR value.

    Rows for targets no longer wanted are deleted; a row is saved only when it is new or its value differs.
    """
    keep = {target.pk for target in targets}
    stale = [link for pk, link in existing.items() if pk not in keep]
    for link in stale:
        link.delete()
    changed = bool(stale)
    for target in targets:
        link = existing.get(target.pk) or new_link(target)
        before = getattr(link, attr)
        setattr(link, attr, value(target))
        try:
            link.full_clean()
        except ValidationError as exc:
            ctx.errors_from(slug, exc, prefix=f"{field}.{label(target)}.")
            continue
        if link.pk is None or before != getattr(link, attr):
            link.save()
            changed = True
    return changed
