"""Consultants curate firms and their staff here; saves go through companies.services, uploads through the importer.

Company staff are not `is_staff` and never reach the admin; a staff user who is not a consultant sees nothing here.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from companies.confirmations import rescore_pending_note
from companies.forms import StoredValuesKept, conflict_redraw
from companies.import_jobs import (
    company_import_errors,
    company_import_progress,
    company_import_result,
    company_import_start,
)
from companies.importing import HEADER, OPTIONAL, CompanyImportError, ImportResult, companies_import
from companies.models import Company, CompanyCertification, CompanyImport, Membership
from companies.rules import PROFILE_FIELDS, reserved_for
from companies.services import (
    company_change,
    company_create,
    company_slug,
    membership_remove,
    membership_save,
)
from companies.upload import CompanyImportForm
from companies.versions import (
    AREAS,
    CERTIFICATIONS,
    CompanyConflict,
    company_merge,
    company_version,
    company_version_check,
)
from portal.admin import ConsultantHistoryAdmin, ConsultantOnlyMixin, NamedDuplicatesInlineFormSet, inline_mark_saved
from portal.roles import is_consultant
from portal.text import punct
from programmes.admin_curation import reason_field

# Background imports listed on the upload page, newest first.
RECENT_IMPORTS = 10


class MembershipForm(forms.ModelForm):
    """Staff are named by username: consultants do not manage (or browse) user accounts."""

    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        to_field_name="username",
        widget=forms.TextInput,
        label=_("Username"),
        error_messages={"invalid_choice": _("There is no active user with this username.")},
    )

    class Meta:
        model = Membership
        fields = ["user", "company", "role"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the box shows (and sends back) the username, not the account's number
            self.initial["user"] = self.instance.user.username


class MembershipInline(ConsultantOnlyMixin, admin.TabularInline):
    model = Membership
    form = MembershipForm
    formset = NamedDuplicatesInlineFormSet  # a user given twice is named
    fields = ("user", "role")
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "company")  # each row shows the username


class CompanyCertificationInline(ConsultantOnlyMixin, admin.TabularInline):
    model = CompanyCertification
    formset = NamedDuplicatesInlineFormSet  # a certification given twice is named
    fields = ("certification", "expires_on")
    extra = 1


class CompanyAdminForm(StoredValuesKept):
    """The admin's form of a firm; a save drawn from an older version of the profile than the stored one is refused
    and drawn again, merged with the other change, as the firm's own page does (companies.versions)."""

    # The version the form was drawn from (companies.versions.company_version); empty on an add.
    version = forms.CharField(label=_("Version opened"), required=False, widget=forms.HiddenInput)
    change_reason = reason_field()

    class Meta:
        model = Company
        fields = [*PROFILE_FIELDS, "technology_areas"]
        help_texts = {"slug": _("Left empty, it is made from the name (as the CSV import does).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        if self.instance.pk:
            self.fields["version"].initial = company_version(self.instance)
        self.conflict: tuple[CompanyConflict, str] | None = None  # read by CompanyAdmin for the certifications

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = company_slug(cleaned["name"])
        if self.instance.pk and cleaned.get("version"):
            # The admin's change view runs in one transaction: the lock holds until the save below it.
            stored = Company.objects.select_for_update().get(pk=self.instance.pk)
            try:
                company_version_check(stored, cleaned["version"])
            except CompanyConflict as conflict:  # drawn again from the profile as it is, as on the firm's page
                posted = {name: cleaned[name] for name in (*PROFILE_FIELDS, AREAS) if name in cleaned}
                self.conflict = (conflict, cleaned["version"])
                conflict_redraw(self, conflict, drawn_from=cleaned["version"], posted=posted)
        return cleaned


@admin.register(Company)
class CompanyAdmin(ConsultantHistoryAdmin):
    form = CompanyAdminForm
    list_display = ("name", "country", "size", "trl", "japan_presence", "updated_at")
    list_filter = ("country", "size", "technology_areas", "japan_presence", "itar_controlled", "ear_controlled")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    filter_horizontal = ("technology_areas",)
    inlines = (CompanyCertificationInline, MembershipInline)
    fieldsets = (
        (None, {"fields": ("slug", "name", "country", "size", "founded", "website", "description", "source_url")}),
        (_("Capability"), {"fields": ("technology_areas", "trl")}),
        (
            _("Private to the firm and consultants"),
            {
                "fields": (
                    "contact_email",
                    "japan_presence",
                    "export_control_notes",
                    "itar_controlled",
                    "ear_controlled",
                    "dsgl_controlled",
                )
            },
        ),
        (_("Change"), {"fields": ("change_reason", "created_at", "updated_at", "version")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Company]:
        return Company.objects.visible_to(request.user).order_by(*(self.get_ordering(request) or ["name"]))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """The same field rule as the web form and the API (companies.rules); the admin is for consultants."""
        return (*self.readonly_fields, *reserved_for(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only superusers delete a firm (its matches and history go with it)."""
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):  # type: ignore[no-untyped-def]
        """After a refusal for someone else's save, the certifications are drawn again too: merged three ways, as the
        rest of the form is (companies.versions.company_merge)."""
        form = getattr(request, "_company_admin_form", None)
        if form is not None and form.conflict is not None:
            conflict, drawn_from = form.conflict
            formsets = [
                certifications_redrawn(formset, conflict, drawn_from=drawn_from)
                if formset.model is CompanyCertification
                else formset
                for formset in formsets
            ]
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RememberedForm(form_class):  # type: ignore[valid-type,misc]
            """The same form, known to get_inline_formsets of this request."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                request._company_admin_form = self  # type: ignore[attr-defined]

        return RememberedForm

    # --- saving through the services ---

    def save_model(self, request: HttpRequest, obj: Company, form: forms.Form, change: bool) -> None:
        """Nothing yet: save_related writes the firm with its areas and certifications in one service call."""

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        data: dict[str, Any] = {
            name: value for name, value in form.cleaned_data.items() if name in (*PROFILE_FIELDS, "technology_areas")
        }
        certifications = next(fs for fs in formsets if fs.model is CompanyCertification)
        data["certifications"] = _held(certifications)
        reason = form.cleaned_data.get("change_reason") or (
            gettext_noop("Edited in the admin") if change else gettext_noop("Created in the admin")
        )
        if change:
            if company_change(company=form.instance, data=data, by=request.user, reason=reason).rescored:
                # Beside the admin's own "changed successfully": the admin is for consultants, acting for the firm.
                self.message_user(request, rescore_pending_note(mine=False), messages.INFO)
        else:
            company_create(data=data, by=request.user, reason=reason, instance=form.instance)
        inline_mark_saved(certifications)
        for formset in formsets:
            if formset.model is Membership:
                _memberships_save(formset)

    # --- the CSV upload page ---

    def get_urls(self) -> list:
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="companies_company_import")
        status = path(
            "import/<int:import_id>/",
            self.admin_site.admin_view(self.import_status_view),
            name="companies_company_import_status",
        )
        return [upload, status, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV of firms: every bad row is listed and nothing is written, or every row is written."""
        if not (is_consultant(request.user) and self.has_add_permission(request)):
            raise PermissionDenied
        form = CompanyImportForm(request.POST, request.FILES) if request.method == "POST" else CompanyImportForm()
        errors: list[str] = []
        error_count = 0
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.COMPANY_IMPORT_INLINE_BYTES:
                # Too big to import before the request times out: a worker does it (issue 17).
                job = company_import_start(data=upload.read(), file_name=upload.name, by=request.user)
                return HttpResponseRedirect(job.get_absolute_url())
            try:
                result = companies_import(data=upload.read(), by=request.user, source=upload.name)
            except CompanyImportError as exc:
                errors, error_count = company_import_errors(exc.errors)
            else:
                done = _(
                    "Imported %(name)s. Firms created: %(created)d, updated: %(updated)d, unchanged: %(unchanged)d."
                )
                counts = {
                    "name": upload.name,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
                self.message_user(request, punct(" ").join([done % counts, *_import_names(result)]), messages.SUCCESS)
                if result.overwritten:
                    self.message_user(request, result.staff_edits_overwritten(), messages.WARNING)
                return HttpResponseRedirect(reverse("admin:companies_company_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import firms from CSV"),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "error_count": error_count,
            "header": ",".join(HEADER),
            "optional": ",".join(OPTIONAL),
            "recent_imports": CompanyImport.objects.defer("data").select_related("uploaded_by")[:RECENT_IMPORTS],
        }
        return TemplateResponse(request, "admin/companies/company/import.html", context, status=400 if errors else 200)

    def import_status_view(self, request: HttpRequest, import_id: int) -> HttpResponse:
        """Where a background import stands: its progress, then its counts or its first problems."""
        if not (is_consultant(request.user) and self.has_add_permission(request)):
            raise PermissionDenied
        job = get_object_or_404(CompanyImport.objects.defer("data"), pk=import_id)
        result = company_import_result(job)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(name)s") % {"name": job.file_name},
            "opts": self.model._meta,
            "job": job,
            "progress": company_import_progress(job),
            # The firms by name, in the reader's language, as the inline upload's message names them.
            "names": _import_names(result) if job.status == CompanyImport.Status.DONE else [],
            "overwritten": result.staff_edits_overwritten() if job.status == CompanyImport.Status.DONE else "",
            "running": job.status in (CompanyImport.Status.PENDING, CompanyImport.Status.RUNNING),
        }
        return TemplateResponse(request, "admin/companies/company/import_status.html", context)


@admin.register(Membership)
class MembershipAdmin(ConsultantOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "company", "role")
    list_filter = ("role",)
    list_select_related = ("user", "company")
    search_fields = ("user__username", "user__email", "company__name")
    form = MembershipForm
    autocomplete_fields = ("company",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).filter(company__in=Company.objects.visible_to(request.user))

    def save_model(self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool) -> None:
        membership_save(membership=obj)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_remove(membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user"):
            membership_remove(membership=membership)


def _memberships_save(formset: BaseInlineFormSet) -> None:
    """Save the membership rows through the services, which revoke the feed links of a user who loses the firm."""
    kept = formset.save(commit=False)
    for membership in formset.deleted_objects:
        membership_remove(membership=membership)
    for membership in kept:
        membership_save(membership=membership)


def _import_names(result: ImportResult) -> list[str]:
    """The firms an upload created and the ones it updated (whose edits it overwrote), by name."""
    names = []
    if result.created:
        names.append(_("Created: %(names)s.") % {"names": result.names_created()})
    if result.updated:
        names.append(_("Updated: %(names)s.") % {"names": result.names_updated()})
    return names


def certifications_redrawn(formset: BaseInlineFormSet, conflict: CompanyConflict, *, drawn_from: str) -> Any:
    """The certifications inline of a refused save, drawn again: the rows the user posted merged three ways with the
    certifications the firm holds now (a colleague's added row stays, the user's own change stays)."""
    mine = _held(formset) if formset.is_valid() else {}
    merged = company_merge(company=conflict.company, version=drawn_from, posted={CERTIFICATIONS: mine})
    wanted: dict[int, Any] = merged.values[CERTIFICATIONS]
    prefix = formset.prefix
    links = list(CompanyCertification.objects.filter(company=conflict.company).order_by("pk"))
    rows = [
        (link.pk, link.certification_id, wanted.get(link.certification_id), link.certification_id not in wanted)
        for link in links
    ]
    held = {link.certification_id for link in links}
    rows += [(None, cert, expires, False) for cert, expires in wanted.items() if cert not in held]
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(links))}
    for index, (pk, cert, expires, gone) in enumerate(rows):
        row = {"id": pk or "", "company": conflict.company.pk, "certification": cert, "expires_on": expires or ""}
        data |= {f"{prefix}-{index}-{name}": str(value) for name, value in row.items()}
        if gone:
            data[f"{prefix}-{index}-DELETE"] = "on"
    return type(formset)(data=data, instance=formset.instance, prefix=prefix, queryset=formset.queryset)


def _held(formset: BaseInlineFormSet) -> dict[Any, Any]:
    """{certification: expiry} for the inline rows kept, deleted and empty rows left out."""
    return {
        form.cleaned_data["certification"]: form.cleaned_data.get("expires_on")
        for form in formset.forms
        if form.cleaned_data.get("certification") and not formset._should_delete_form(form)
    }
