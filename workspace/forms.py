"""Forms of the workspace pages: a pipeline entry, a quick stage change, feedback on a match, bulk actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from workspace.models import MatchFeedback, PipelineEntry
from workspace.services import firm_staff, pipeline_entry_version


class PipelineEntryForm(forms.ModelForm):
    """Every field of an entry; the owner is chosen among the firm's staff. `version` is the version of the entry
    the form was drawn from, so a save after someone else's is refused instead of overwriting it."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PipelineEntry
        fields = ["stage", "owner", "due_on", "notes"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = firm_staff(company=company)
        if self.instance.pk is not None:
            self.fields["version"].initial = pipeline_entry_version(self.instance)


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
