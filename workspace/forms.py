"""Forms of the workspace pages: a pipeline entry, a quick stage change, feedback on a match, bulk actions."""

import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from workspace.models import MatchFeedback, PipelineEntry
from workspace.services import firm_editors, pipeline_owner_refusal
from workspace.versions import (
    ENTRY_FIELDS,
    NO_ENTRY,
    PipelineEntryConflict,
    pipeline_entry_merge,
    pipeline_entry_version,
)


class OwnerField(forms.ModelChoiceField):
    """One of the firm's editors, by id; anyone else is refused in the service's words, a viewer of the firm by name
    (workspace.services.pipeline_owner_refusal)."""

    company: Company | None = None

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid_choice" or self.company is None:
                raise
            user = User.objects.filter(pk=value).first() if str(value).isdecimal() else None  # int() reads it
            name = user.get_username() if user is not None else None
            raise ValidationError(
                pipeline_owner_refusal(company=self.company, name=name), code="invalid_choice"
            ) from error


class PipelineEntryForm(forms.ModelForm):
    """Every field of an entry; the owner is chosen among the firm's editors. `version` is the version of the entry
    the form was drawn from, so a save after someone else's is refused instead of overwriting it."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PipelineEntry
        fields = [name for name, _column in ENTRY_FIELDS]
        field_classes = {"owner": OwnerField}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = firm_editors(company=company, keeping=self.instance.owner)
        self.fields["owner"].company = company
        if self.instance.pk is not None:
            self.fields["version"].initial = pipeline_entry_version(self.instance)


def conflict_refill(
    form: forms.BaseForm, conflict: PipelineEntryConflict, *, drawn_from: str, posted: dict[str, Any]
) -> None:
    """Draw FORM, refused for CONFLICT, again from the entry as it is now (the page's and the admin's rule): its post
    becomes the three-way merge of POSTED (its cleaned values) with the stored entry against the version it was
    DRAWN_FROM, with the current version, so saving it again is deliberate and reverts nothing the user left alone;
    the refusal, and beside each field both sides changed the other side's value. A removed entry's form keeps all
    that was typed, and saving it again adds the entry back, if nobody did meanwhile."""
    data = form.data.copy()
    data["version"] = NO_ENTRY
    clashes: list[str] = []
    if conflict.entry is not None:
        merge = pipeline_entry_merge(entry=conflict.entry, version=drawn_from, posted=posted)
        for name, value in merge.values.items():
            data[name] = _posted_text(value)  # replaced, not added beside (QueryDict.update would add)
        data["version"] = pipeline_entry_version(conflict.entry)
        clashes = merge.clashes
    form.data = data
    form.add_error(None, conflict.said())
    for name in clashes:
        form.add_error(name, conflict.clash_said(name))


def _posted_text(value: object) -> str:
    """A stored value as a browser posts it back: an id or a date (ISO, which every date field reads) as text."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class StageForm(forms.Form):
    """A card's move to another stage (Follow is watching, Pursue is pursuing)."""

    stage = forms.ChoiceField(label=_("Stage"), choices=PipelineEntry.Stage.choices)


class FeedbackForm(forms.Form):
    """Why a match is not relevant, from the fixed list, with an optional note."""

    reason = forms.ChoiceField(label=_("Reason"), choices=MatchFeedback.Reason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def bulk_actions() -> list[tuple[str, str]]:
    """The bulk actions, in the reader's language: set any stage, or dismiss with any reason."""
    stages = [(f"stage:{value}", _("Set stage: %(stage)s") % {"stage": label}) for value, label in stage_choices()]
    reasons = [
        (f"dismiss:{value}", _("Not relevant: %(reason)s") % {"reason": label}) for value, label in reason_choices()
    ]
    return stages + reasons


def stage_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in PipelineEntry.Stage.choices]


def reason_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in MatchFeedback.Reason.choices]


class BulkForm(forms.Form):
    """Several selected matches (opportunity slugs) and one action for all of them."""

    selected = forms.MultipleChoiceField(label=_("Matches"), choices=[])
    action = forms.ChoiceField(label=_("Action"), choices=[])

    def __init__(self, *args, slugs: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(slug, slug) for slug in slugs]
        self.fields["action"].choices = bulk_actions()
