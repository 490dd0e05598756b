"""What every Kakehashi admin page shares (consultants only), and the user admin routed through portal.services."""

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.history import ReadableChanges, changed_kind, children_changed
from portal.reasons import reason_text
from portal.roles import is_consultant
from portal.services import (
    email_change_drop,
    email_taken,
    user_credentials_revoke,
    user_deactivate,
    user_password_changed,
)
from portal.text import localised, punct


class ConsultantOnlyMixin:
    """Admin permissions narrowed to consultants, on top of the model permissions the consultants group holds.

    The admin's action log ("Recent actions") stores each object's name: it is written in the site's language,
    since records name themselves in the reader's (programmes.models), and every reader shares the log.
    """

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return super().log_deletions(request, queryset)  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_consultant(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_consultant(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_consultant(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_consultant(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_consultant(request.user) and super().has_delete_permission(request, obj)


class SuperusersDeleteMixin:
    """Only superusers delete, and the list offers no bulk delete: consultants archive, withdraw or move a record
    instead, so its history (and what firms were told) stays. Opportunities, notices and introduction requests."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


def localised_column(model: type[Model], field: str, *, itself: bool = False) -> Callable[[Any, Any], str | None]:
    """A changelist column for MODEL's FIELD, a link to a record, naming that record in the reader's language: on
    /ja/ its Japanese title or name where it has one (portal.text.localised). ITSELF: FIELD is the row's own title or
    name. The column has the field's label and sorts by it; list it as `localised_<field>` (the admin reads a model
    field of the name in list_display before an admin attribute)."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def column(model_admin: Any, obj: Any) -> str | None:
        record = obj if itself else getattr(obj, field)
        return None if record is None else localised(record)  # None: the admin's usual "-" for an empty link

    column.__name__ = f"localised_{field}"
    return column


def localised_link(model: type[Model], field: str) -> Callable[[Any, Any], str]:
    """A change page's read-only FIELD of MODEL, a link to a record, as Django shows a read-only foreign key (a link
    to the record's admin page) but naming the record in the reader's language (portal.text.localised): Django's own
    names it by its `__str__`, which for a partner is its English name. List it as `<field>_link`."""

    @admin.display(description=model._meta.get_field(field).verbose_name)
    def link(model_admin: Any, obj: Any) -> str:
        record = getattr(obj, field)
        if record is None:
            # The admin's usual "-": a read-only field shows None as "None" (only list columns put the dash in).
            return model_admin.get_empty_value_display()
        info = (record._meta.app_label, record._meta.model_name)
        try:
            url = reverse(
                "admin:{}_{}_change".format(*info), args=[quote(record.pk)], current_app=model_admin.admin_site.name
            )
        except NoReverseMatch:
            return localised(record)
        return format_html('<a href="{}">{}</a>', url, localised(record))

    link.__name__ = f"{field}_link"
    return link


class NamedDuplicatesInlineFormSet(forms.BaseInlineFormSet):
    """An inline's rows, where a value that must differ from row to row and is repeated (two sources with one URL)
    is named by the field's label in the reader's language and by the value: Django's words name the field by its
    code name ("Please correct the duplicate data for url", "url の重複したデータを修正してください" on /ja/)."""

    def get_unique_error_message(self, unique_check: Any) -> str:
        fields = [name for name in unique_check if name != self.fk.name]
        labels = [str(self.model._meta.get_field(name).verbose_name) for name in fields]
        field = get_text_list(labels, gettext("and"))
        value = self._repeated(fields)
        if value is None:  # not reached: Django asks as it finds a repeat
            return gettext("Please correct the duplicate data for %(field)s.") % {"field": field}
        return gettext("The %(field)s “%(value)s” is listed more than once: keep one row for it.") % {
            "field": field,
            "value": value,
        }

    def _repeated(self, fields: list[str]) -> str | None:
        """The values of FIELDS on the first row that repeats an earlier row's, in words: the one Django has just
        found, since it asks row by row and clears each repeat it reported."""
        seen = set()
        for form in self.forms:
            data = form.cleaned_data if form.is_valid() and not self._should_delete_form(form) else {}
            if not all(data.get(name) is not None for name in fields):
                continue
            key = tuple(
                data[name].pk if isinstance(data[name], Model) else make_hashable(data[name]) for name in fields
            )
            if key in seen:
                return punct(",").join(_in_words(data[name]) for name in fields)
            seen.add(key)
        return None


def _in_words(value: Any) -> str:
    return localised(value) if isinstance(value, Model) else str(value)


def may_view_users(admin_site: admin.AdminSite, request: HttpRequest) -> bool:
    """Whether the admin's user pages open for the reader: the user admin's own view permission."""
    try:
        user_admin = admin_site.get_model_admin(get_user_model())
    except NotRegistered:
        return False
    return user_admin.has_view_permission(request)


def errors_onto_form(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal ERROR put on FORM: each message beside the field it names, and those naming no field of the
    form (a read-only field, an inline's rule, a rule across fields) above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


class ServiceRefusalsMixin:
    """A save the service refuses (a rule only it asks, such as a pipeline owner who is not an editor, or a race)
    draws the form again with the service's words beside their fields and what was typed kept, like any invalid form:
    nothing is saved (the admin's view is one transaction), and it is never a server error. Every admin that saves
    through a service has it (ConsultantHistoryAdmin), so none catches refusals of its own."""

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except ValidationError as refusal:
            if request.method != "POST" or getattr(request, "_service_refusal", None) is not None:
                raise
            request._service_refusal = refusal  # type: ignore[attr-defined]  # read by get_form on the second drawing
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):  # type: ignore[valid-type,misc]
            """The posted form, invalid with the service's refusal."""

            def _post_clean(self) -> None:
                super()._post_clean()
                errors_onto_form(self, refusal)

        return RefusedForm


class ConsultantHistoryAdmin(ServiceRefusalsMixin, ConsultantOnlyMixin, SimpleHistoryAdmin):
    """A consultants' admin whose history pages read in the reader's language: diffs by `ReadableChanges`, and
    the reasons code wrote (stored in English) translated, as the site's pages show them (portal.history).

    History is for reading: reverting from it would save an old version past the services' validation and reasons,
    so it is neither offered nor taken (docs/curation-admin.md). To undo a change, edit the record back."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None) -> Any:
        if request.method == "POST":  # simple-history saves a posted old version even with reverting hidden
            raise PermissionDenied("Reverting skips validation; edit the record instead.")
        # simple-history hands the form the class's `prepopulated_fields`, not get_prepopulated_fields(): a slug that
        # is read-only once the record exists is then missing from the form (a KeyError, a 500). An old version is
        # only read here, so a copy of this admin for this request fills in nothing.
        reader = copy.copy(self)
        reader.prepopulated_fields = {}
        return super(ConsultantHistoryAdmin, reader).history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record: Any) -> ReadableChanges:
        return ReadableChanges(self.model, historical_record)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> Any:
        """The history list, where each row's "changed by" links to that user's admin page only for a reader who may
        view users: a consultant without that permission would get a 403 from the link, so reads the plain name."""
        if not may_view_users(self.admin_site, request):
            # simple-history's list links the name through {% url admin_user_view ... as url %}; a name that
            # resolves to nothing leaves it plain.
            extra_context = {**(extra_context or {}), "admin_user_view": ""}
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request: HttpRequest, historical_records: Any, **kwargs: Any) -> None:
        """The diffs, plus each shown row's reason in words; the rows are only displayed here, never saved.

        HISTORICAL_RECORDS is the page: the child rows (an opportunity's sources) are read against the record's
        whole history, so a child row written on another page's edit is never taken for an entry of its own here.
        """
        super().set_history_delta_changes(request, historical_records, **kwargs)
        page = historical_records
        shown = list(page)
        everything = shown if page.paginator.num_pages == 1 else list(page.paginator.object_list)
        # The child rows each edit changed, which the record's own diff cannot show, and those no edit wrote.
        fields, orphans = children_changed(everything)
        named = {record.history_id: words for record, words in zip(everything, fields, strict=True)}
        for record in shown:
            record.history_change_reason = reason_text(record.history_change_reason)
            record.history_children_changed = named[record.history_id]
        entries = [
            ChildChangeEntry.of(rows, words) for rows, words in orphans if _on_page(rows[0], page, shown, everything)
        ]
        page.object_list = sorted([*shown, *entries], key=lambda entry: entry.history_date, reverse=True)
        page.paginator.count += len(orphans)  # the "N entries" under the list counts them too


def _on_page(child: Any, page: Any, shown: list, everything: list) -> bool:
    """Whether the child row CHILD falls among the rows SHOWN on PAGE of the record's history EVERYTHING (newest
    first): not newer than the row before the page's first, not older than its last unless it is the last page."""
    if not shown:
        return False
    newer = everything[page.start_index() - 2].history_date if page.has_previous() else None
    older = shown[-1].history_date if page.has_next() else None
    return (newer is None or child.history_date < newer) and (older is None or child.history_date >= older)


@dataclass
class ChildChangeEntry:
    """A record's child rows (its sources) changed with no edit of the record, such as a source edited on its own
    admin page: a row of its own in the record's admin history, as on the record's page (portal.history), linked to
    each child's own history."""

    history_date: datetime.datetime
    history_user: Any
    history_user_id: int | None
    history_change_reason: str
    history_children_changed: list[str]
    child_links: list[tuple[str, str]]  # (name, its admin history page or "")
    kind: str
    history_delta_changes: tuple = ()

    def get_history_type_display(self) -> str:
        return self.kind

    @classmethod
    def of(cls, rows: list, words: list[str]) -> "ChildChangeEntry":
        first = rows[0]
        children = {getattr(row, row.instance_type._meta.pk.attname): row for row in rows}
        links = [(str(localised(row.instance)), _history_url(row.instance_type, pk)) for pk, row in children.items()]
        return cls(
            history_date=first.history_date,
            history_user=first.history_user,
            history_user_id=first.history_user_id,
            history_change_reason=reason_text(first.history_change_reason),
            history_children_changed=words,
            child_links=links,
            kind=changed_kind(first),
        )


def _history_url(model: type[Model], pk: Any) -> str:
    """MODEL's admin history page of the row PK, or "" where the admin has none."""
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[pk])
    except NoReverseMatch:
        return ""


def inline_changes(formset: BaseModelFormSet) -> tuple[list[Any], list[Any], list[Any]]:
    """(new, changed, deleted) forms of an inline formset, untouched extra rows left out."""
    deleted = [form for form in formset.initial_forms if formset._should_delete_form(form)]
    changed = [form for form in formset.initial_forms if form not in deleted and form.has_changed()]
    new = [form for form in formset.extra_forms if form.has_changed() and not formset._should_delete_form(form)]
    return new, changed, deleted


def inline_mark_saved(formset: BaseModelFormSet, *, new_objects: list[Any] | None = None) -> None:
    """Fill in what construct_change_message reads, as formset.save() would have (a service did the saving)."""
    new, changed, deleted = inline_changes(formset)
    formset.new_objects = [form.instance for form in new] if new_objects is None else new_objects
    formset.changed_objects = [(form.instance, form.changed_data) for form in changed]
    formset.deleted_objects = [form.instance for form in deleted]


class RevokingPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" for a user, revoking their tokens and links as the account page does."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit)
        user_password_changed(user=user)
        return user


class UserEmailForm(UserChangeForm):
    """The user admin's change form, with portal.services' rule: one account per email address."""

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        if email and email_taken(email, other_than=self.instance):
            raise ValidationError(_("Another account already uses this email address."))
        return email


class KakehashiUserAdmin(UserAdmin):
    """Django's user admin, with deactivation and password changes going through portal.services (issue 17)."""

    form = UserEmailForm
    change_password_form = RevokingPasswordChangeForm
    actions = ["deactivate_users"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            email_change_drop(user=obj)  # the consultant's address stands: the user's older link must not undo it
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_credentials_revoke(user=obj)

    @admin.action(description=_("Deactivate the selected users (their tokens and feed links are revoked)"))
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_active=True):
            user_deactivate(user=user)


admin.site.unregister(User)
admin.site.register(User, KakehashiUserAdmin)

# The admin names the product, not the framework, in its header and page titles, in the reader's language.
admin.site.site_header = _("Kakehashi administration")
admin.site.site_title = _("Kakehashi admin")
admin.site.index_title = _("Curation and accounts")
