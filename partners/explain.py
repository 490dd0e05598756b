"""Partner-fit reasons and gaps as {code, params} items, and their text in the reader's language.

matching/explain.py is being rewritten to hold one renderer for every pair kind (DESIGN.md, "Explanation
items"); these codes and messages move there when it lands. Params hold slugs and numbers, never prose.
"""

from typing import Any

from django.utils.translation import gettext_lazy

from partners.models import Partner
from programmes.models import Opportunity, TechnologyArea

MESSAGES = {
    "partner.shared_areas": gettext_lazy("Works in the same areas as your firm: %(areas)s."),
    "partner.complementary_role": gettext_lazy("A %(role)s that can carry your technology into Japanese programmes."),
    "partner.known_programmes": gettext_lazy("Already works on your best opportunities: %(opportunities)s."),
    "partner.foreign_partnerships": gettext_lazy("Has worked with foreign firms before: %(counterparts)s."),
    "partner.same_country_partner": gettext_lazy("Has a partnership with a firm or government from your country."),
    "partner.no_shared_area": gettext_lazy("Shares none of your technology areas."),
    "partner.low_confidence": gettext_lazy("This partner record is not fully verified; check before you rely on it."),
}


def render(item: dict[str, Any], names: dict[str, dict[str, str]]) -> str:
    """One item as text in the active language; NAMES maps 'areas'/'opportunities'/'roles' slugs to labels."""
    template = MESSAGES.get(item.get("code", ""))
    if template is None:
        return item.get("code", "")
    params = item.get("params") or {}
    values = {
        "areas": ", ".join(names["areas"].get(slug, slug) for slug in params.get("areas", [])),
        "opportunities": ", ".join(names["opportunities"].get(slug, slug) for slug in params.get("opportunities", [])),
        "counterparts": ", ".join(params.get("counterparts", [])),
        "role": names["roles"].get(params.get("role", ""), params.get("role", "")),
    }
    return str(template) % values


def detail(items: list[dict[str, Any]], names: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Items with their text added, as the API's *_detail lists carry them."""
    return [{"code": item["code"], "params": item.get("params", {}), "text": render(item, names)} for item in items]


def label_tables(*, japanese: bool) -> dict[str, dict[str, str]]:
    """Area and opportunity names (two queries) and role labels in the reader's language."""
    area_field, title_field = ("name_ja", "title_ja") if japanese else ("name", "title")
    areas = {slug: ja or en for slug, en, ja in TechnologyArea.objects.values_list("slug", "name", area_field)}
    opportunities = {slug: ja or en for slug, en, ja in Opportunity.objects.values_list("slug", "title", title_field)}
    roles = {value: str(label) for value, label in Partner.Role.choices}
    return {"areas": areas, "opportunities": opportunities, "roles": roles}
