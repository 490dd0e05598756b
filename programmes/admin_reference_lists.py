"""The admin of the reference lists consultants keep: organisations, technology areas (with their lexicon and related
terms) and certifications. Each save goes through programmes.reference_services.reference_record_save; saving an
area's lexicon or related terms rescores every firm, and so does deleting an area (technology_area_delete)."""

from collections import Counter
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

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
    fixed_once_created = ("slug",)


class LinesField(forms.CharField):
    """A list of short phrases edited one per line."""

    widget = forms.Textarea(attrs={"rows": 12, "cols": 80})

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list) else value or ""

    def to_python(self, value: Any) -> list[str]:
        """The lines, blank ones and repeats in any case dropped ("Bluebottle", "bluebottle"): the first as written."""
        text = super().to_python(value)
        lines: dict[str, str] = {}
        for line in (line.strip() for line in text.splitlines()):
            if line:
                lines.setdefault(line.casefold(), line)
        return list(lines.values())


class TechnologyAreaForm(CurationForm):
    """Lexicon and related terms one per line; saving either rescores every firm."""

    keywords = LinesField(label=_("lexicon"), required=False, help_text=_("Synonyms, acronyms and product jargon."))
    related_terms = LinesField(label=_("related terms"), required=False, help_text=_("Broader words of the field."))

    class Meta:
        model = TechnologyArea
        fields = ("slug", "name", "name_ja", "name_kana", "description", "keywords", "related_terms")


def area_ties(area: TechnologyArea) -> tuple[list[Model], list[Model]]:
    """What deleting AREA touches: the rows that list it and are kept without it (records, firms, partners, notices,
    reference firms), and the rows that go with it (firms' feedback marks and dismissed suggestions of it).

    Read from the area's relations rather than named, so an app above this one (firms, partners) adds its own.
    """
    relations = TechnologyArea._meta.related_objects
    links = {rel.through for rel in relations if rel.many_to_many}  # OpportunityArea, PartnerArea: shown as kept
    kept: list[Model] = []
    gone: list[Model] = []
    for rel in relations:
        rows = list(rel.related_model._default_manager.filter(**{rel.field.name: area}))
        if rel.many_to_many:
            kept += rows
        elif rel.related_model not in links:
            gone += rows
    return kept, gone


@admin.register(TechnologyArea)
class TechnologyAreaAdmin(ReferenceAdmin):
    form = TechnologyAreaForm
    list_display = ("name", "name_ja", "name_kana", "slug")
    search_fields = ("name", "name_ja", "name_kana", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fixed_once_created = ("slug",)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        """Each area, the records and firms it is taken off (kept, by name) and the rows that go with it, rather than
        the link rows Django would list ("Company-technologyarea relationship: Company_technology_areas object")."""
        _deleted, _counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        listed: list = []
        counts: Counter[str] = Counter({str(TechnologyArea._meta.verbose_name_plural): len(objs)})
        lose = gettext("%(models)s that lose the area (kept)")
        for area in objs:
            kept, gone = area_ties(area)
            counts.update(lose % {"models": row._meta.verbose_name_plural} for row in kept)
            counts.update(str(row._meta.verbose_name_plural) for row in gone)
            listed += [self.deleted_object_link(request, area), self._ties_listed(request, kept, gone)]
        return listed, dict(counts), perms_needed, protected

    def _ties_listed(self, request: HttpRequest, kept: list[Model], gone: list[Model]) -> list:
        """What the delete page lists under an area: the rows it is taken off (kept), then those that go with it."""
        listed: list = [self.deleted_object_link(request, row) for row in gone]
        if kept:
            taken_off = [self.deleted_object_link(request, row) for row in kept]
            listed = [gettext("Taken off these, which are kept:"), taken_off, *listed]
        return listed

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
