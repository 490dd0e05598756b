"""The opportunity admin's parts: its inlines (area weights, sources) and the "stale" list filter."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programmes.models import Opportunity, OpportunityArea, Source


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


class SourceInlineFormSet(forms.BaseInlineFormSet):
    """A published record keeps at least one source (issue 2: every published record cites one)."""

    def clean(self) -> None:
        super().clean()
        if self.instance.status != Opportunity.Status.PUBLISHED:
            return
        kept = [f for f in self.forms if f.cleaned_data.get("url") and not self._should_delete_form(f)]
        if not kept:
            raise ValidationError(_("A published opportunity keeps at least one source; archive it first."))


class SourceInline(admin.TabularInline):
    model = Source
    formset = SourceInlineFormSet
    fields = ("url", "title", "publisher", "accessed_on", "confidence", "note")
    extra = 1


class OpportunityAreaInline(admin.TabularInline):
    model = OpportunityArea
    fields = ("technology_area", "weight")
    autocomplete_fields = ("technology_area",)
    extra = 1
