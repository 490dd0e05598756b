"""Writes to firms: profiles with one history row per change, memberships, and a rescore once the data is committed."""

import datetime
import hashlib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from companies.bulk import rows_insert
from companies.models import Company, CompanyCertification, Membership
from companies.rules import PROFILE_FIELDS, reserved_changes, reserved_fields_check, unchanged_fields
from companies.versions import company_version_check
from matching import dispatch  # the one upward hook: "this firm changed, rescore it" (docs/architecture.md)
from portal.models import SecretLink
from portal.outbox import outbox_firm_events_cancel
from portal.reasons import reason_stored
from portal.secret_links import secret_links_revoke
from programmes.models import Certification, TechnologyArea

# Profile fields the scorer never reads: changing only these needs no rescore.
UNSCORED_FIELDS = frozenset({"alert_threshold"})
# The history reason of a profile edit whose caller gave none (stored in English, shown in the reader's language).
PROFILE_EDITED = gettext_noop("Profile edited")
# The two relations a caller may set through `data` beside companies.rules.PROFILE_FIELDS.
RELATION_FIELDS = ("technology_areas", "certifications")

# An area or certification given as a record or as its primary key.
AreasArg = Iterable[TechnologyArea | int]
# Certifications held: {certification: expires_on} sets expiries; a plain list keeps the expiries already known.
CertificationsArg = Mapping[Certification | int, datetime.date | None] | Iterable[Certification | int]


def company_slug(name: str) -> str:
    """The slug a firm's name gives: the key the CSV import matches existing firms on.

    Letters the slug cannot spell (株式会社テスト, 第1製作所) would be dropped, and two such names could give the
    same slug (`1` for 第1製作所 and 第1工業); such a name gets a digest of itself appended (or `firm-` and the
    digest when nothing is left), the same on every import. Accented letters are spelt (Société: `societe`). A name
    with no letter or digit at all gets no slug.
    """
    limit = Company._meta.get_field("slug").max_length or 120
    slug = slugify(name).strip("-")
    if any(ch.isalnum() and not unicodedata.normalize("NFKD", ch).encode("ascii", "ignore") for ch in name):
        digest = hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:10]
        slug = f"{slug[: limit - len(digest) - 1].strip('-') or 'firm'}-{digest}"
    return slug[:limit].strip("-")


@transaction.atomic
def company_create(
    *, data: Mapping[str, Any], by: User | None, reason: str = "", instance: Company | None = None
) -> Company:
    """Create a firm from DATA (field names as on the model), with its areas, certifications and first history row.

    INSTANCE is an unsaved firm to fill in and save (the admin's add form needs its own object saved).
    """
    fields, areas, certifications = _split(data)
    derived_slug = not (fields.get("slug") or (instance and instance.slug))
    if derived_slug:
        fields["slug"] = company_slug(fields.get("name") or (instance and instance.name) or "")
    company = instance or Company()
    for name, value in fields.items():
        setattr(company, name, value)
    _full_clean(company, derived_slug=derived_slug)
    with company_history_paused(company):  # one history row, written below
        company.save()
        if areas is not None:
            _set_areas(company, areas)
        if certifications is not None:
            _set_certifications(company, certifications)
    company_history_record(
        snapshots=[company_snapshot(company)], created=True, by=by, reason=reason or gettext_noop("Created")
    )
    dispatch.company_rescore_later(company_id=company.pk, by=by)  # enqueued when the transaction commits
    return company


@dataclass(frozen=True)
class CompanyChange:
    """What saving a firm's profile did: whether anything changed, and whether its matches will be rescored."""

    company: Company
    changed: bool
    rescored: bool


def company_update(
    *, company: Company, data: Mapping[str, Any], by: User | None, reason: str = "", version: str | None = None
) -> Company:
    """Apply DATA to COMPANY; if anything changed, save it, write one history row (who, why) and rescore it."""
    return company_change(company=company, data=data, by=by, reason=reason, version=version).company


@transaction.atomic
def company_change(
    *, company: Company, data: Mapping[str, Any], by: User | None, reason: str = "", version: str | None = None
) -> CompanyChange:
    """company_update, saying what it did: pages tell the user when the firm's matches are being rescored.

    VERSION, when given, is the `company_version` the change was drawn from: if the firm was saved since, nothing is
    written and CompanyConflict says who changed which fields (checked under the firm's row lock)."""
    fields, areas, certifications = _split(data)
    # Compare with what the database holds: forms and the admin may already have changed COMPANY in memory.
    before = Company.objects.select_for_update().get(pk=company.pk)
    company_version_check(before, version)
    # Whatever the interface, a firm's own staff never change its identity (companies.rules).
    reserved_fields_check(user=by, sent=reserved_changes(before=before, after=fields))
    for name, value in fields.items():
        setattr(company, name, value)
    _full_clean(company, derived_slug=False, before=before)
    changed = [name for name in PROFILE_FIELDS if getattr(company, name) != getattr(before, name)]
    with company_history_paused(company):  # one history row, written below
        areas_changed = areas is not None and _set_areas(company, areas)
        certifications_changed = certifications is not None and _set_certifications(company, certifications)
        if not (changed or areas_changed or certifications_changed):
            return CompanyChange(company=company, changed=False, rescored=False)
        company.save()
    company_history_record(snapshots=[company_snapshot(company)], created=False, by=by, reason=reason or PROFILE_EDITED)
    rescored = bool(set(changed) - UNSCORED_FIELDS or areas_changed or certifications_changed)
    if rescored:
        dispatch.company_rescore_later(company_id=company.pk, by=by)  # enqueued when the transaction commits
    return CompanyChange(company=company, changed=True, rescored=rescored)


@transaction.atomic
def company_area_add(*, company: Company, area: TechnologyArea, by: User | None, reason: str = "") -> bool:
    """Tick AREA on COMPANY's profile beside the areas it ticks (rescored, one history row); False if it was ticked
    already. The firm's row is locked first, so two ticks sent at once both stand."""
    locked = Company.objects.select_for_update().get(pk=company.pk)
    held = list(locked.technology_areas.values_list("pk", flat=True))
    if area.pk in held:
        return False
    company_update(company=locked, data={"technology_areas": [*held, area.pk]}, by=by, reason=reason)
    return True


@contextmanager
def company_history_paused(company: Company) -> Iterator[Company]:
    """Save COMPANY and change its areas without simple-history's own rows, for a writer that then records the
    change once with `company_history_record`.

    simple-history writes a "Changed" row on every save and on every add to or removal from a tracked link
    (areas, certifications), even before the firm's "Created" row; a firm's history has one row per change, which
    names what changed.
    """
    company.skip_history_when_saving = True  # type: ignore[attr-defined]  # simple-history reads it
    try:
        yield company
    finally:
        del company.skip_history_when_saving  # type: ignore[attr-defined]


def company_history_record(
    *,
    snapshots: Sequence[Mapping[str, Any]],
    created: bool,
    by: User | None,
    reason: str,
    area_links: Mapping[int, Sequence[tuple[int, int]]] | None = None,
) -> None:
    """Write one history row per firm, with its technology areas and certifications, in bulk: what simple-history's
    signal would write.

    SNAPSHOTS are firms as rows (company_snapshot). AREA_LINKS maps a firm's pk to its (link id, area id) pairs;
    it is read from the database when not given. The certifications held are read from the database.
    """
    if not snapshots:
        return
    if area_links is None:
        area_links = _area_links([snapshot["id"] for snapshot in snapshots])
    history_model = Company.history.model
    tracked = [field.attname for field in history_model.tracked_fields]
    stamp = {
        "history_date": timezone.now(),
        "history_type": "+" if created else "~",
        "history_user_id": by.pk if by is not None and by.is_authenticated else None,
        "history_change_reason": reason_stored(reason),
    }
    history_ids = rows_insert(history_model, [{**{n: s[n] for n in tracked}, **stamp} for s in snapshots])
    area_history = apps.get_model("companies", "HistoricalCompany_technology_areas")
    rows_insert(
        area_history,
        [
            {"history_id": history_id, "id": link_id, "company_id": snapshot["id"], "technologyarea_id": area_id}
            for history_id, snapshot in zip(history_ids, snapshots, strict=True)
            for link_id, area_id in area_links.get(snapshot["id"], ())
        ],
    )
    held = CompanyCertification.objects.filter(company_id__in=[snapshot["id"] for snapshot in snapshots])
    certificates: dict[int, list[dict[str, Any]]] = {}
    for link in held.values("id", "company_id", "certification_id", "expires_on"):
        certificates.setdefault(link["company_id"], []).append(dict(link))
    rows_insert(
        apps.get_model("companies", "HistoricalCompanyCertification"),
        [
            {"history_id": history_id, **link}
            for history_id, snapshot in zip(history_ids, snapshots, strict=True)
            for link in certificates.get(snapshot["id"], ())
        ],
    )


def company_snapshot(company: Company) -> dict[str, Any]:
    """COMPANY as a row of plain values (attname -> value), as the history and the bulk writers take it."""
    row = {
        field.attname: field.get_prep_value(getattr(company, field.attname)) for field in Company._meta.concrete_fields
    }
    return {name: value.value if isinstance(value, Enum) else value for name, value in row.items()}


def membership_set(*, company: Company, user: User, role: str = Membership.Role.VIEWER) -> Membership:
    """Make USER a member of COMPANY with ROLE, creating the membership or changing its role."""
    membership, _created = Membership.objects.update_or_create(company=company, user=user, defaults={"role": role})
    return membership


@transaction.atomic
def membership_save(*, membership: Membership) -> Membership:
    """Save MEMBERSHIP as edited (a row of the admin's membership list or of a firm's staff inline). A row moved to
    another user or another firm takes access from its old user to its old firm, so the calendar links that user held
    for that firm are revoked and its events waiting for their webhooks cancelled, as membership_remove does: a later
    return to the firm never brings them back."""
    membership.full_clean()
    before = Membership.objects.select_related("user").filter(pk=membership.pk).first() if membership.pk else None
    if before and (before.user_id, before.company_id) != (membership.user_id, membership.company_id):
        _access_to_firm_end(user=before.user, company_id=before.company_id)
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take the user off the firm, revoke the secret links (calendar feeds) they held for it and cancel the firm's
    match events still waiting for their webhooks."""
    _access_to_firm_end(user=membership.user, company_id=membership.company_id)
    membership.delete()


def _access_to_firm_end(*, user: User, company_id: int) -> None:
    """What USER held for the firm goes with their membership: its calendar links and its unsent webhook events."""
    secret_links_revoke(user=user, purpose=SecretLink.Purpose.CALENDAR, subject_id=company_id)
    outbox_firm_events_cancel(user=user, company_id=company_id)


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], AreasArg | None, CertificationsArg | None]:
    unknown = set(data) - set(PROFILE_FIELDS) - set(RELATION_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {', '.join(sorted(unknown))}")
    fields = {name: value for name, value in data.items() if name in PROFILE_FIELDS}
    return fields, data.get("technology_areas"), data.get("certifications")


def _full_clean(company: Company, *, derived_slug: bool, before: Company | None = None) -> None:
    """full_clean(), naming the name rather than the slug when the slug was derived from it.

    On an update (BEFORE is the stored row) only what the update changes is judged (companies.rules.unchanged_fields):
    a value stored under an older rule must not block an edit of something else, least of all by a firm's staff,
    who may not change some of those fields.
    """
    errors: dict[str, list[str]] = {}
    try:
        company.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict
        if derived_slug and "slug" in errors and "name" not in errors:
            errors.pop("slug")
            errors["name"] = [_("A firm with this name (or one that gives the same slug) already exists.")]
            if not company.slug:
                errors["name"] = [_("The name needs at least one letter or digit.")]
    if before is not None:
        for name in unchanged_fields(before=before, after={name: getattr(company, name) for name in errors}):
            errors.pop(name)
    renamed = before is None or company.name.strip().casefold() != before.name.strip().casefold()
    if renamed and "name" not in errors and company.name:
        twin = _same_name(company)
        if twin is not None:
            errors["name"] = [_("A firm with this name already exists: %(slug)s.") % {"slug": twin}]
    if errors:
        raise ValidationError(errors)


def _same_name(company: Company) -> str | None:
    """The slug of another firm with COMPANY's name, case aside (the CSV import takes a name to be that firm)."""
    folded = company.name.strip().casefold()
    same = Company.objects.exclude(pk=company.pk).filter(name__iexact=company.name.strip())
    return next((slug for slug, name in same.values_list("slug", "name") if name.strip().casefold() == folded), None)


def _pk(value: Any) -> int:
    return value.pk if hasattr(value, "pk") else int(value)


def _set_areas(company: Company, areas: AreasArg) -> bool:
    """Replace the firm's technology areas; True if they changed."""
    wanted = {_pk(area) for area in areas}
    held = set(company.technology_areas.values_list("pk", flat=True))
    if wanted == held:
        return False
    company.technology_areas.set(wanted)
    return True


def _set_certifications(company: Company, certifications: CertificationsArg) -> bool:
    """Replace the certifications held; a mapping also sets expiries. True if anything changed."""
    expiries = isinstance(certifications, Mapping)
    wanted = (
        {_pk(cert): expires for cert, expires in certifications.items()}
        if isinstance(certifications, Mapping)
        else dict.fromkeys((_pk(cert) for cert in certifications), None)
    )
    links = {link.certification_id: link for link in CompanyCertification.objects.filter(company=company)}
    gone = [link.pk for cert_id, link in links.items() if cert_id not in wanted]
    new = [
        CompanyCertification(company=company, certification_id=cert_id, expires_on=expires)
        for cert_id, expires in wanted.items()
        if cert_id not in links
    ]
    moved = [
        link for cert_id, link in links.items() if expiries and cert_id in wanted and link.expires_on != wanted[cert_id]
    ]
    for link in moved:
        link.expires_on = wanted[link.certification_id]
    CompanyCertification.objects.filter(pk__in=gone).delete()
    CompanyCertification.objects.bulk_create(new)
    CompanyCertification.objects.bulk_update(moved, ["expires_on"])
    return bool(gone or new or moved)


def _area_links(company_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    links: dict[int, list[tuple[int, int]]] = {}
    through = Company.technology_areas.through.objects.filter(company_id__in=company_ids)
    for link_id, company_id, area_id in through.values_list("id", "company_id", "technologyarea_id"):
        links.setdefault(company_id, []).append((link_id, area_id))
    return links
