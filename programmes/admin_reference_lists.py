"""The admin of the reference lists consultants keep: organisations, technology areas (with their lexicon and related
terms) and certifications. Each save goes through programmes.reference_services.reference_record_save; saving an
area's lexicon or related terms rescores every firm, and so does deleting an area (technology_area_delete)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from programmes.admin_curation import CurationAdmin, CurationForm
from programmes.models import Certification, Organisation, TechnologyArea
from programmes.reference_services import reference_record_save, technology_area_delete


class ReferenceAdmin(CurationAdmin):
    """Organisations, technology areas and certifications: saved through reference_record_save."""

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        links = {field.name for field in obj._meta.many_to_many} & set(form.changed_data)  # certification equivalents
        reference_record_save(
            record=obj, by=request.user, reason=self.change_reason(form, change), links_changed=bool(links)
        )


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    list_display = ("name", "name_ja", "name_kana", "acronym", "country", "slug")
    list_filter = ("country",)
    search_fields = ("name", "name_ja", "name_kana", "acronym", "slug")
    prepopulated_fields = {"slug": ("name",)}


class LinesField(forms.CharField):
    """A list of short phrases edited one per line."""

    widget = forms.Textarea(attrs={"rows": 12, "cols": 80})

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list) else value or ""

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


class TechnologyAreaForm(CurationForm):
    """Lexicon and related terms one per line; saving either rescores every firm."""

    keywords = LinesField(label=_("lexicon"), required=False, help_text=_("Synonyms, acronyms and product jargon."))
    related_terms = LinesField(label=_("related terms"), required=False, help_text=_("Broader words of the field."))

    class Meta:
        model = TechnologyArea
        fields = ("slug", "name", "name_ja", "name_kana", "description", "keywords", "related_terms")


@admin.register(TechnologyArea)
class TechnologyAreaAdmin(ReferenceAdmin):
    form = TechnologyAreaForm
    list_display = ("name", "name_ja", "name_kana", "slug")
    search_fields = ("name", "name_ja", "name_kana", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        technology_area_delete(area=obj, by=request.user, reason=gettext_noop("Deleted in the admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():  # all or none, and one rescore for all of them
            for area in queryset:
                technology_area_delete(area=area, by=request.user, reason=gettext_noop("Deleted in the admin"))


@admin.register(Certification)
class CertificationAdmin(ReferenceAdmin):
    list_display = ("name", "name_ja", "name_kana", "code", "issuer")
    search_fields = ("name", "name_ja", "name_kana", "code", "issuer")
    filter_horizontal = ("equivalents",)
