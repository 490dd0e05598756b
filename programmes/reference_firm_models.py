"""Reference firms: real firms' own descriptions, graded against the technology areas by a consultant.

The scorer reads them as examples of how firms write about each area (issue 12, docs/matching.md "Reference
firms"): an area's profile holds each reference firm's description as many times as its grade, so a firm that
describes its products the way an area's firms do reaches the area even without the area's keywords.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def graded_areas(label: str, grade: str, help_text: str) -> models.ManyToManyField:
    """One of a reference firm's three lists of areas, one per grade."""
    return models.ManyToManyField(
        "programmes.TechnologyArea",
        verbose_name=label,
        related_name=f"reference_firms_{grade}",
        blank=True,
        help_text=help_text,
    )


class ReferenceFirm(models.Model):
    """A real firm's public self-description, with the areas it works in graded as the labelling guide says."""

    # The grade each list stands for: 3 = the core product line, 2 = significant, 1 = tangential.
    GRADES = {"core_areas": 3, "significant_areas": 2, "tangential_areas": 1}

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source_url = models.URLField(
        _("source"), max_length=500, help_text=_("The firm's public page the description is paraphrased from.")
    )
    description = models.TextField(_("description"), help_text=_("In the firm's own register, paraphrased."))
    core_areas = graded_areas(_("core areas"), "core", _("Its core product line is in the area (grade 3)."))
    significant_areas = graded_areas(
        _("significant areas"),
        "significant",
        _("A significant product in the area, or a direct enabler of it (grade 2)."),
    )
    tangential_areas = graded_areas(
        _("tangential areas"), "tangential", _("It could serve the area, or mentions it in passing (grade 1).")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[core_areas, significant_areas, tangential_areas])

    class Meta:
        ordering = ["name"]
        verbose_name = _("reference firm")
        verbose_name_plural = _("reference firms")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The same firm twice would count its words twice in every profile: refuse a slug or name already taken
        (in any case) or a description another reference firm already has."""
        others = ReferenceFirm.objects.exclude(pk=self.pk)
        errors = {}
        if self.slug and others.filter(slug__iexact=self.slug).exists():
            errors["slug"] = _("Another reference firm already has this slug.")
        if self.name and others.filter(name__iexact=self.name.strip()).exists():
            errors["name"] = _("Another reference firm already has this name: edit that one instead.")
        if self.description and others.filter(description=self.description).exists():
            errors["description"] = _("Another reference firm already has this description.")
        if errors:
            raise ValidationError(errors)


def reference_grades_check(lists: dict[str, set]) -> None:
    """ValidationError naming the field of every area that is in two of LISTS ({field name: areas}): a grade is one.
    A firm in no list at all is refused on the core areas: it would teach the scorer nothing, yet rescore every firm.
    The admin's form and reference_firm_save (the curated load too) both ask here."""
    if not any(lists.get(name) for name in ReferenceFirm.GRADES):
        why = _("Give at least one area, core, significant or tangential: a reference firm with none teaches nothing.")
        raise ValidationError({"core_areas": why})
    seen: dict = {}
    errors: dict[str, list[str]] = {}
    for name in ReferenceFirm.GRADES:
        for area in sorted(lists.get(name, set()), key=str):
            if area in seen:
                first = ReferenceFirm._meta.get_field(seen[area]).verbose_name
                why = _("%(area)s is already among the %(first)s: give each area one grade.")
                errors.setdefault(name, []).append(why % {"area": area, "first": first})
            else:
                seen[area] = name
    if errors:
        raise ValidationError(errors)


# simple-history names a history model defined outside an app's models.py after the app, where it cannot be found
# (programmes.source_models says the same for the sources): they say they live here, where they are.
# simple-history puts the history of each grade list (HistoricalReferenceFirm_core_areas...) on this module too.
for _name, _model in list(globals().items()):
    if _name.startswith("HistoricalReferenceFirm"):
        _model.__module__ = __name__
