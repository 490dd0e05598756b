"""Two people editing one firm's profile at once: each change names the version of the profile it was drawn from,
and a save from an older version is refused (CompanyConflict) or merged three ways into the form that asked for it.

The version, the check against the history and the merge are portal.versions' (shared with pipeline entries); this
module says what a profile's fields are, including its ticked areas and its certifications with their expiries,
and how a refusal reads. companies.services checks under the firm's row lock; the page, the admin and the API
(ETag / If-Match) read versions and merges from here (docs/portal.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from companies.models import Company
from companies.rules import PROFILE_FIELDS
from portal.text import localised, punct
from portal.versions import (
    ANY_VERSION,
    Merge,
    VersionConflict,
    changed_fields,
    last_saved_by,
    record_version,
    three_way_merge,
    version_row,
)
from programmes.models import Certification, TechnologyArea

# The profile's own columns a person edits (companies.rules.PROFILE_FIELDS), and its two relations: the areas
# it ticks (a set of ids) and the certifications it holds ({certification id: expiry or None}).
AREAS, CERTIFICATIONS = "technology_areas", "certifications"


class CompanyConflict(VersionConflict):
    """A profile change drawn from an older version of the firm than the stored one: nothing was written. COMPANY is
    the firm as it is now, CHANGED the fields someone else changed since, BY who saved last."""

    def __init__(self, *, company: Company, changed: list[str], by: User | None) -> None:
        super().__init__(record=company, changed=changed, by=by)
        self.company = company

    def said(self, labels: Mapping[str, str] | None = None) -> str:
        """The refusal in the reader's language, naming who changed which fields (the page and the admin say it) by
        LABELS, the form's own labels where it has them."""
        fields = punct(",").join(self.label(name, labels) for name in self.changed)
        return _(
            "%(who)s saved this profile after you opened it, changing: %(fields)s. Nothing was saved. The form now "
            "holds their changes and yours; where you both changed a field, it keeps what you typed and shows their "
            "value beside it. Save again to keep this version."
        ) % {"who": self.who(), "fields": fields}

    def clash_said(self, name: str) -> str:
        """Beside field NAME, which both sides changed: the other side's value, and that the form keeps the user's."""
        return _("%(who)s changed this meanwhile to: %(value)s. Your value is kept here.") % {
            "who": self.who(),
            "value": company_value_said(self.company, name),
        }

    def shown(self, labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
        """The fields someone else changed, each named by LABELS (as said()) with its value now."""
        return [(self.label(name, labels), company_value_said(self.company, name)) for name in self.changed]

    @staticmethod
    def label(name: str, labels: Mapping[str, str] | None = None) -> str:
        """Field NAME as LABELS name it (a form's own labels), else by the model's verbose name."""
        return (labels or {}).get(name) or company_field_label(name)


def company_version(company: Company) -> str:
    """The token of the profile's current version: every save of the firm gives a new one."""
    return record_version(company)


def company_field_label(name: str) -> str:
    """The label of the profile's field NAME in the reader's language ("Description", "Certifications")."""
    return str(capfirst(getattr(Company._meta.get_field(name), "verbose_name", name)))


def company_value_said(company: Company, name: str) -> str:
    """COMPANY's value of field NAME as a reader sees it: choices by label, areas and certifications by name."""
    if name == AREAS:
        return punct(",").join(localised(area) for area in company.technology_areas.order_by("name")) or "—"
    if name == CERTIFICATIONS:
        links = company.certification_links.select_related("certification").order_by("certification__name")
        return punct(",").join(_held_said(link.certification, link.expires_on) for link in links) or "—"
    field = Company._meta.get_field(name)
    value = getattr(company, name)
    if getattr(field, "choices", None) and value:
        return str(getattr(company, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value.name if name == "country" and value else value if value not in (None, "") else "—")


def _held_said(certification: Certification, expires_on: datetime.date | None) -> str:
    if expires_on is None:
        return localised(certification)
    return _("%(name)s (expires %(date)s)") % {
        "name": localised(certification),
        "date": date_format(expires_on, "DATE_FORMAT"),
    }


def company_values(company: Any) -> dict[str, Any]:
    """The profile's edited fields by name as stored: the firm now, or one of its history rows."""
    values = {name: Company._meta.get_field(name).get_prep_value(getattr(company, name)) for name in PROFILE_FIELDS}
    if isinstance(company, Company):
        areas = company.technology_areas.values_list("pk", flat=True)
        held = company.certification_links.values_list("certification_id", "expires_on")
    else:  # a history row: its areas and certifications as they stood then
        area_rows = apps.get_model("companies", "HistoricalCompany_technology_areas").objects
        areas = area_rows.filter(history_id=company.history_id).values_list("technologyarea_id", flat=True)
        cert_rows = apps.get_model("companies", "HistoricalCompanyCertification").objects
        held = cert_rows.filter(history_id=company.history_id).values_list("certification_id", "expires_on")
    return {**values, AREAS: frozenset(areas), CERTIFICATIONS: dict(held)}


def posted_values(posted: Mapping[str, Any]) -> dict[str, Any]:
    """A form's cleaned values (field -> value, as companies.services takes them) as company_values stores them."""
    values: dict[str, Any] = {}
    for name, value in posted.items():
        if name == AREAS:
            values[name] = frozenset(_pk(area) for area in value)
        elif name == CERTIFICATIONS:
            values[name] = {_pk(cert): expires for cert, expires in value.items()}
        elif name in PROFILE_FIELDS:
            values[name] = Company._meta.get_field(name).get_prep_value(value)
    return values


def _pk(value: Any) -> int:
    return value.pk if isinstance(value, TechnologyArea | Certification) else int(value)


def company_version_check(company: Company, version: str | None) -> None:
    """Refuse (CompanyConflict) a change drawn from VERSION when COMPANY (locked) is no longer at it; None and
    ANY_VERSION check nothing."""
    if version is None or version == ANY_VERSION or company_version(company) == version:
        return
    # Without the version's history row (a token from elsewhere), every field is named.
    then = version_row(company, version)
    changed = changed_fields(company_values(company), company_values(then) if then is not None else None)
    raise CompanyConflict(company=company, changed=changed, by=last_saved_by(company))


def company_merge(*, company: Company, version: str, posted: Mapping[str, Any]) -> Merge:
    """Merge POSTED (a refused form's cleaned values) with COMPANY as it is now, three ways against the profile at
    VERSION (portal.versions.three_way_merge): areas merge area by area, certifications one by one."""
    then = version_row(company, version)
    return three_way_merge(
        mine=posted_values(posted), theirs=company_values(company), base=company_values(then) if then else None
    )
