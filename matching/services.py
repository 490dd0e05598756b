"""Writes of a firm's answers to its suggested areas: dismiss one ("not our field"), undo that, or tick it.

The my-matches page and the firm's profile call these (web/match_views.py), after the same access check as the tick
(companies.selectors.company_for_edit). A dismissal changes no score, so nothing is rescored; each write leaves a
history row (simple-history, with who and why) for consultants.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from companies.models import Company
from companies.services import company_area_add
from matching.models import AreaDismissal
from portal.text import localised
from programmes.models import TechnologyArea

# The history reason of a dismissal removed because its area was ticked (stored in English, shown translated).
TICKED = gettext_noop("Ticked the dismissed area")


@transaction.atomic
def area_dismissal_add(*, company: Company, area: TechnologyArea, by: User | None, reason: str) -> bool:
    """Dismiss AREA's suggestion for COMPANY: never suggested to the firm again, no score changed; False if it was
    dismissed already. The firm's row is locked first, so two dismissals sent at once write one row.

    An area the firm ticks is refused (ValidationError): the tick is the firm's own statement, and a dismissal
    would wait unseen until the tick is dropped."""
    Company.objects.select_for_update().filter(pk=company.pk).first()
    if company.technology_areas.filter(pk=area.pk).exists():
        raise ValidationError(
            gettext("%(area)s is ticked on the firm’s profile: untick it there to say it is not the firm’s field.")
            % {"area": localised(area)},
            code="ticked",
        )
    if AreaDismissal.objects.filter(company=company, technology_area=area).exists():
        return False
    dismissal = AreaDismissal(company=company, technology_area=area, dismissed_by=_user(by))
    dismissal.full_clean(validate_unique=False, validate_constraints=False)  # the one pair per firm: the database's
    _stamp(dismissal, by=by, reason=reason)
    try:
        with transaction.atomic():  # a savepoint: the database without row locks (SQLite) may see a twin insert
            dismissal.save()
    except IntegrityError:
        return False  # dismissed at the same moment by another request: one dismissal, as asked
    return True


@transaction.atomic
def area_dismissal_remove(*, company: Company, area: TechnologyArea, by: User | None, reason: str) -> bool:
    """Undo COMPANY's dismissal of AREA, so the area may be suggested again; False if it was not dismissed."""
    dismissal = AreaDismissal.objects.select_for_update().filter(company=company, technology_area=area).first()
    if dismissal is None:
        return False
    _stamp(dismissal, by=by, reason=reason)
    dismissal.delete()
    return True


@transaction.atomic
def area_suggestion_tick(*, company: Company, area: TechnologyArea, by: User | None, reason: str) -> bool:
    """Tick AREA on COMPANY's profile (companies.services.company_area_add: a history row and the firm's rescore)
    and drop its dismissal, if any: the tick is the firm's own statement. False if the area was ticked already."""
    added = company_area_add(company=company, area=area, by=by, reason=reason)
    area_dismissal_remove(company=company, area=area, by=by, reason=TICKED)
    return added


def _stamp(dismissal: AreaDismissal, *, by: User | None, reason: str) -> None:
    """Who and why for the history row simple-history writes on the next save or delete (not model fields)."""
    dismissal._change_reason = reason  # type: ignore[attr-defined]
    dismissal._history_user = _user(by)  # type: ignore[attr-defined]


def _user(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None
