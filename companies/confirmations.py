"""What a user is told after a change to a firm that has its matches rescored: one wording for every page.

The rescore runs in the background after the save commits; until it ends, my matches shows the scores from before
the change and says so (matching/freshness.py, templates/matching/_freshness.html), in the same words.
"""

from django.utils.translation import gettext as _

from companies.models import Company
from companies.selectors import viewer_company_list
from portal.text import punct


def rescore_pending_note(*, mine: bool) -> str:
    """The sentence that follows a save which asked for the firm's rescore: to its staff (MINE), or to a consultant
    acting for the firm."""
    if mine:
        return _(
            "Your matches will be updated shortly: until the rescore finishes, My matches shows the scores from "
            "before this change."
        )
    return _(
        "Its matches will be updated shortly: until the rescore finishes, they show the scores from before this change."
    )


def with_rescore_note(text: str, *, mine: bool) -> str:
    """TEXT, what the user did, followed by the rescore note."""
    return f"{text}{punct(' ')}{rescore_pending_note(mine=mine)}"


def works_for(user: object, company: Company) -> bool:
    """True if USER is one of COMPANY's staff, told "your matches"; else a consultant acting for the firm."""
    return any(firm.pk == company.pk for firm in viewer_company_list(user=user))
