"""Reference firms in the admin: a firm's description and its areas by grade, saved through reference_firm_save
(one history row with the reason; a change rescores every firm)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from programmes.admin_curation import CurationAdmin, CurationForm
from programmes.models import ReferenceFirm, TechnologyArea
from programmes.reference_firm_models import reference_grades_check
from programmes.reference_services import reference_firm_delete, reference_firm_save


class ReferenceFirmForm(CurationForm):
    """An area takes one grade: the form says which list it is in twice before anything is saved."""

    class Meta:
        model = ReferenceFirm
        fields = ("slug", "name", "source_url", "description", *ReferenceFirm.GRADES)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            reference_grades_check({name: set(cleaned.get(name) or ()) for name in ReferenceFirm.GRADES})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
        return cleaned


class GradedAreaFilter(admin.SimpleListFilter):
    """Firms graded in an area at any grade (core, significant or tangential), listed by the area's name."""

    title = _("technology area")
    parameter_name = "area"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(
            ((area.slug, str(area)) for area in TechnologyArea.objects.all()), key=lambda pair: pair[1].casefold()
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        graded = Q()
        for name in ReferenceFirm.GRADES:
            graded |= Q(**{f"{name}__slug": self.value()})
        return queryset.filter(pk__in=ReferenceFirm.objects.filter(graded).values("pk"))


@admin.register(ReferenceFirm)
class ReferenceFirmAdmin(CurationAdmin):
    form = ReferenceFirmForm
    list_display = ("name", "slug", "source_url", "updated_at")
    list_filter = (GradedAreaFilter,)
    ordering = (Lower("name"), "pk")  # "Acacia Systems" before "ASC", in SQLite as in PostgreSQL
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = tuple(ReferenceFirm.GRADES)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        """Saved with its areas in save_related, in one history row."""

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        areas = {name: form.cleaned_data.get(name) or [] for name in ReferenceFirm.GRADES}
        reason = self.change_reason(form, change, formsets)
        reference_firm_save(firm=form.instance, areas=areas, by=request.user, reason=reason)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        """Only the firms: the links to their graded areas go with them, and the areas themselves stay."""
        _deleted, _counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        listed = [self.deleted_object_link(request, firm) for firm in objs]
        return listed, {ReferenceFirm._meta.verbose_name_plural: len(listed)}, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        reference_firm_delete(firm=obj, by=request.user, reason=gettext_noop("Deleted in the admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():  # all or none, and one rescore for all of them
            for firm in queryset:
                reference_firm_delete(firm=firm, by=request.user, reason=gettext_noop("Deleted in the admin"))
