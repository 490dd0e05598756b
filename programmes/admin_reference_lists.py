"""The admin of the reference lists consultants keep: organisations, technology areas (with their lexicon and related
terms) and certifications. Each save goes through programmes.reference_services.reference_record_save; saving an
area's lexicon or related terms rescores every firm, and so does deleting an area (technology_area_delete)."""

from collections import Counter
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from programmes.admin_curation import CurationAdmin, CurationForm, LinesField
from programmes.models import Certification, Organisation, TechnologyArea
from programmes.reference_services import (
    reference_record_save,
    technology_area_delete,
    technology_areas_delete_refusals,
)
from programmes.services import validation_error_text


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
        # Records that must keep an area stop the delete: Django's page then says it cannot delete and why.
        refused = technology_areas_delete_refusals(areas=objs)
        protected = [*protected, *(self.deleted_object_link(request, record) for record in refused)]
        return listed, dict(counts), perms_needed, protected

    def _ties_listed(self, request: HttpRequest, kept: list[Model], gone: list[Model]) -> list:
        """What the delete page lists under an area: the rows it is taken off (kept), then those that go with it."""
        listed: list = [self.deleted_object_link(request, row) for row in gone]
        if kept:
            taken_off = [self.deleted_object_link(request, row) for row in kept]
            listed = [gettext("Taken off these, which are kept:"), taken_off, *listed]
        return listed

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._delete(request, list(queryset))

    def _delete(self, request: HttpRequest, areas: list[TechnologyArea]) -> None:
        """Delete AREAS and log it, all or none, with one rescore for all. A refusal the page could not foresee (a
        record published meanwhile) is an error message instead of the success one, and nothing is deleted."""
        try:
            with transaction.atomic():
                super().log_deletions(request, areas)
                for area in areas:
                    technology_area_delete(area=area, by=request.user, reason=gettext_noop("Deleted in the admin"))
        except ValidationError as error:
            request._area_delete_refused = True  # type: ignore[attr-defined]
            self.message_user(request, _("Not deleted: %s") % validation_error_text(error), messages.ERROR)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> None:
        """Logged by _delete, in the same transaction as the delete, so a refused delete logs nothing."""

    def message_user(self, request: HttpRequest, message: Any, level: int = messages.INFO, *args: Any, **kwargs: Any):
        if level == messages.SUCCESS and getattr(request, "_area_delete_refused", False):
            return  # Django's "deleted successfully" after a refused delete
        super().message_user(request, message, level, *args, **kwargs)


@admin.register(Certification)
class CertificationAdmin(ReferenceAdmin):
    list_display = ("name", "name_ja", "name_kana", "code", "issuer")
    search_fields = ("name", "name_ja", "name_kana", "code", "issuer")
    filter_horizontal = ("equivalents",)
