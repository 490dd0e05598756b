"""What every curation admin page shares: a reason on every save and action, history with diffs, consultants only.

Used by the programme records' admin (programmes.admin) and the partners' (partners.admin).
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from portal.admin import ConsultantHistoryAdmin
from portal.reasons import reason_length_validate, reason_with_detail

# simple-history's admin pages (the history list and a past version) use these words and ship no Japanese for them.
# Listed here so that makemessages keeps them in our catalogue, which Django reads before the package's own.
HISTORY_PAGE_WORDS = (
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Object"),
    gettext_noop("Comment"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Deleted"),
    gettext_noop("View %s"),
    ngettext_lazy("entry", "entries", 0),
)

REASON_HELP = _("Recorded in the history with your name.")
REASON_HELP_OPTIONAL = _("Optional: without one, the history names the action (“Published”, “Edited”).")


def reason_field(*, required: bool = False) -> forms.CharField:
    """The reason every curation form and action asks for. A longer one than the history holds is refused on the field
    (portal.reasons.reason_length_validate), never cut: the field sets no maxlength, with which the browser cut a
    pasted reason at the limit without a word."""
    return forms.CharField(
        label=_("Reason for this change"),
        validators=[reason_length_validate],
        required=required,
        help_text=REASON_HELP if required else REASON_HELP_OPTIONAL,
        widget=forms.TextInput(attrs={"size": 80}),
    )


# The fields a curation form adds that are not the record's own: never passed to a service as the record's data.
FORM_ONLY = ("change_reason", "edited_from")


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


class CurationForm(forms.ModelForm):
    """A model form with the reason the history row will carry, refusing to save over someone else's later save.

    `edited_from` holds the record's last history row when the form was drawn. If another consultant saved the
    record since, the save is refused and nothing is written: the last save would otherwise silently undo theirs.
    """

    change_reason = reason_field()
    edited_from = forms.CharField(label=_("Version opened"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The record's last history row now: the form's initial value, and on a save what the submitted one must be.
        history = getattr(self.instance, "history", None) if self.instance.pk else None
        self._latest = None if history is None else history.order_by("-history_id").first()
        self.fields["edited_from"].initial = "" if self._latest is None else str(self._latest.history_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        drawn = (cleaned.get("edited_from") or "").strip()
        latest = self._latest
        if drawn and latest is not None and drawn != str(latest.history_id):
            who = latest.history_user.get_username() if latest.history_user else _("someone")
            raise ValidationError(
                _(
                    "%(who)s saved this record after you opened it: nothing of yours was saved. Open it again to "
                    "see their change, then make yours."
                )
                % {"who": who},
                code="stale",
            )
        return cleaned


class ReasonForm(forms.Form):
    """The confirmation page of a bulk action: why the consultant is doing it."""

    reason = reason_field()

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].help_text = REASON_HELP if reason_required else REASON_HELP_OPTIONAL


def inline_changes(formsets: list) -> list[str]:
    """What bound, valid inline FORMSETS will add, change and delete, in words ("deleted partner source “News”")."""
    lines = []
    # Stored in the history: in the site's language whatever the consultant reads (rows name themselves, and their
    # models, in the reader's language), so every reader finds the same words.
    with translation.override(settings.LANGUAGE_CODE):
        for formset in formsets:
            name = formset.model._meta.verbose_name
            deleted = [form for form in formset.deleted_forms if form.instance.pk]
            for form in formset.forms:
                if form in formset.deleted_forms or not form.has_changed():
                    continue
                verb = "changed" if form.instance.pk else "added"
                lines.append(f"{verb} {name} “{form.instance}”")
            lines += [f"deleted {name} “{form.instance}”" for form in deleted]
    return lines


def link_changes(form: forms.ModelForm, names: Iterable[str]) -> list[str]:
    """What a valid FORM adds to and removes from its many-to-many fields NAMES, in words ("added record “GCAP”")."""
    lines = []
    with translation.override(settings.LANGUAGE_CODE):  # stored in the history, as inline_changes' words are
        for name in names:
            if name not in form.changed_data:
                continue
            model = form.instance._meta.get_field(name).related_model
            before = {item.pk: item for item in form.initial.get(name) or []}
            after = {item.pk: item for item in form.cleaned_data[name]}
            label = model._meta.verbose_name
            lines += [f"added {label} “{after[pk]}”" for pk in after if pk not in before]
            lines += [f"removed {label} “{before[pk]}”" for pk in before if pk not in after]
    return lines


class CurationAdmin(ConsultantHistoryAdmin):
    """History with diffs, reasons on every save, consultants only (reverting is off, as in every history admin)."""

    form = CurationForm
    # Fields set when the record is created and never changed in the admin: a slug is a public identifier (API,
    # saved searches, links), so renaming one would silently break them.
    fixed_once_created: tuple[str, ...] = ()
    # Many-to-many fields the model's history rows do not snapshot: the default reason names what an edit of them
    # added and removed (link_changes), or its row would read "Edited in the admin" naming nothing.
    reason_links: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = self.fixed_once_created if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        prepopulated = super().get_prepopulated_fields(request, obj)
        if obj is None:
            return prepopulated
        return {name: sources for name, sources in prepopulated.items() if name not in self.fixed_once_created}

    def change_reason(self, form: forms.Form, change: bool, formsets: list | None = None) -> str:
        """The reason typed on the form, or a plain default that names what the inlines (FORMSETS) add, change and
        delete, since the record's own history row shows no field for them."""
        typed = form.cleaned_data.get("change_reason")
        if typed:
            return typed
        default = gettext_noop("Edited in the admin") if change else gettext_noop("Created in the admin")
        lines = inline_changes(formsets or []) + link_changes(form, self.reason_links)
        return reason_with_detail(default, "; ".join(lines))

    def deleted_object_link(self, request: HttpRequest, obj: Any) -> str:
        """OBJ as a delete page lists it, "Opportunity: GCAP", linked to its admin page where the reader may open it."""
        model, opts = type(obj), obj._meta
        label = capfirst(opts.verbose_name)
        if not self.admin_site.is_registered(model):
            return format_html("{}: {}", label, obj)
        if not self.admin_site.get_model_admin(model).has_view_or_change_permission(request, obj):
            return format_html("{}: {}", label, obj)
        name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
        url = reverse(name, args=[quote(obj.pk)], current_app=self.admin_site.name)
        return format_html('{}: <a href="{}">{}</a>', label, url, obj)
