"""The opportunity admin's parts: its inlines (area weights, sources) and the "stale" list filter."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import NamedDuplicatesInlineFormSet
from programmes.models import Opportunity, OpportunityArea, Source
from programmes.rules import opportunity_areas_check, sources_confidence_check


class StaleFilter(admin.SimpleListFilter):
    """Published records nobody has verified for STALE_AFTER_DAYS, or that still lack their Japanese text."""

    title = _("verification")
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        days = settings.STALE_AFTER_DAYS
        return [
            ("yes", _("Stale (not verified for %(days)s days)") % {"days": days}),
            ("no", _("Not stale")),
            ("untranslated", _("Missing a Japanese title or summary")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() == "yes":
            return queryset.stale()
        if self.value() == "no":
            return queryset.exclude(pk__in=Opportunity.objects.stale().values("pk"))
        if self.value() == "untranslated":
            return queryset.untranslated()
        return None


class SourcedInlineFormSet(NamedDuplicatesInlineFormSet):
    """The sources of a curated record (an opportunity or a partner), checked in the admin as the loader checks them.
    A URL given twice is named ("The URL “…” is listed more than once"), in the reader's language.

    A record that must cite a source keeps at least one, and a record whose sources are all low-confidence is itself
    low (unverified): the pages call it unverified, so a reader is not told more than its sources say.
    """

    missing = _("A record keeps at least one source.")

    def must_cite(self) -> bool:
        return True

    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data.get("url") and not self._should_delete_form(f)]
        if not self.must_cite():
            return
        if not kept:
            raise ValidationError(self.missing)
        try:
            sources_confidence_check(
                confidence=self.instance.confidence, source_confidences=[f.cleaned_data.get("confidence") for f in kept]
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error  # a formset's own errors are a list, not by field


class SourceInlineFormSet(SourcedInlineFormSet):
    """A published record keeps at least one source (issue 2: every published record cites one)."""

    missing = _("A published opportunity keeps at least one source; archive it first.")

    def must_cite(self) -> bool:
        return self.instance.status == Opportunity.Status.PUBLISHED


class SourceInline(admin.TabularInline):
    model = Source
    formset = SourceInlineFormSet
    fields = ("url", "title", "publisher", "accessed_on", "confidence", "note")
    extra = 1


class AreaWeightsInlineFormSet(forms.BaseInlineFormSet):
    """A record's area weights (an opportunity's, a partner's): an area listed twice is named, on the row that repeats
    it and above the rows, rather than by Django's words for a unique check, which name the field
    ("technology_area")."""

    def clean(self) -> None:
        seen, repeated = set(), []
        for form in self.forms:
            area = form.cleaned_data.get("technology_area") if form.is_valid() else None
            if area is None or self._should_delete_form(form):
                continue
            if area in seen:
                form.add_error("technology_area", gettext("This area is already listed above."))
                repeated.append(area)
            seen.add(area)
        if repeated:
            raise ValidationError(
                [
                    gettext("“%(area)s” is listed twice: keep one row for it, with the weight it should have.")
                    % {"area": area}
                    for area in dict.fromkeys(repeated)
                ]
            )
        super().clean()


class OpportunityAreaInlineFormSet(AreaWeightsInlineFormSet):
    """An opportunity's area weights: a published priority area keeps one at least, named above the rows."""

    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data.get("technology_area") and not self._should_delete_form(f)]
        try:
            opportunity_areas_check(kind=self.instance.kind, status=self.instance.status, area_count=len(kept))
        except ValidationError as error:
            raise ValidationError(error.messages) from error  # a formset's own errors are a list, not by field


class OpportunityAreaInline(admin.TabularInline):
    model = OpportunityArea
    formset = OpportunityAreaInlineFormSet
    fields = ("technology_area", "weight")
    autocomplete_fields = ("technology_area",)
    extra = 1
