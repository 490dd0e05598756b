"""The profile form company editors fill in, and the certifications they hold."""

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.models import Company, website_outdated
from companies.rules import CERTIFICATIONS_MAX, EDITOR_FIELDS, unchanged_fields
from companies.versions import CERTIFICATIONS, CompanyConflict, company_merge, company_version
from portal.text import labelled, localised, reading_japanese
from portal.versions import Merge
from programmes.models import Certification, TechnologyArea

# The legend of the profile page's certifications formset (templates/companies/company_form.html).
CERTIFICATIONS_LABEL = _("Certifications held")


def field_labels(form: forms.BaseForm) -> dict[str, str]:
    """FORM's fields by name, each with its label as the form shows it, so messages name fields as the form does."""
    return {name: str(field.label) for name, field in form.fields.items() if field.label}


class StoredValuesKept(forms.ModelForm):
    """A change form of a firm that judges only what the change alters: a value stored under an older rule, sent back
    unchanged, is let through as companies.services lets it through (companies.rules.unchanged_fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The stored values, before the form writes the posted ones onto the instance.
        self.stored = copy.copy(self.instance) if self.instance.pk is not None else None

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()
        if self.stored is not None and hasattr(self, "cleaned_data"):
            exclude |= unchanged_fields(before=self.stored, after=self.cleaned_data)
        return exclude


class CompanyForm(StoredValuesKept):
    """What a firm's editors may change about it; its identity (name, country, size, founding year) is set by
    consultants (companies.rules). `version` is
    the version of the profile the form was drawn from, so a save after someone else's is refused, not written over
    theirs (companies.versions)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Company
        fields = [name for name in EDITOR_FIELDS if name != "certifications"]  # certifications: the formset
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "technology_areas": forms.CheckboxSelectMultiple,
            "trl": forms.NumberInput(attrs={"min": 1, "max": 9}),
            "export_control_notes": forms.Textarea(attrs={"rows": 3}),
            "japan_presence": forms.RadioSelect,
            "alert_threshold": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }
        labels = {
            "description": _("Description"),
            "website": _("Website"),
            "technology_areas": _("Technology areas"),
            "export_control_notes": _("Export control notes"),
            "japan_presence": _("Presence in Japan"),
            "contact_email": _("Contact e-mail"),
            "alert_threshold": _("Alert threshold"),
        }
        help_texts = {
            "website": _("The full address, starting with https://"),
            "export_control_notes": _("ITAR, EAR or DSGL items you make or hold, and any licences."),
            "contact_email": _("Seen only by your firm's staff and Kakehashi's consultants."),
            "alert_threshold": _("Matches scoring at least this much (0-100) are sent as alerts; the default is 60."),
        }
        error_messages = {
            "description": {"required": _("Describe what the firm makes: the matcher reads this.")},
            "website": {"invalid": _("Enter a full web address, such as https://example.com.")},
            "trl": {
                "min_value": _("TRL runs from 1 to 9."),
                "max_value": _("TRL runs from 1 to 9."),
                "invalid": _("Enter a whole number from 1 to 9."),
            },
            "contact_email": {"invalid": _("Enter an e-mail address, such as exports@example.com.")},
            "alert_threshold": {
                "min_value": _("The alert threshold runs from 0 to 100."),
                "max_value": _("The alert threshold runs from 0 to 100."),
                "invalid": _("Enter a whole number from 0 to 100."),
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The model field is a positive integer, so Django offers min="0"; the scale is 1-9.
        self.fields["trl"].widget.attrs.update(min=1, max=9)
        # Left empty (or absent from an older form), the firm keeps its threshold.
        self.fields["alert_threshold"].required = False
        # Area names in the page's language (Japanese names on /ja/), in that language's order.
        self.fields["technology_areas"].queryset = TechnologyArea.objects.in_reading_order(reading_japanese())
        self.fields["technology_areas"].label_from_instance = localised
        if self.instance.pk is not None:
            self.fields["version"].initial = company_version(self.instance)
            outdated = website_outdated(self.instance.website)
            if outdated:  # kept, and other changes save as before (StoredValuesKept), until it is replaced
                self.fields["website"].help_text = outdated

    def field_labels(self) -> dict[str, str]:
        """Each field's label as the page shows it, the certifications' formset's included."""
        return field_labels(self) | {CERTIFICATIONS: str(CERTIFICATIONS_LABEL)}

    def profile_data(self, formset: "BaseCertificationsHeldFormSet") -> dict[str, Any]:
        """The cleaned profile with FORMSET's certifications, as companies.services takes it (the version aside)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        return {**data, CERTIFICATIONS: formset.held()}

    def clean_alert_threshold(self) -> int:
        value = self.cleaned_data.get("alert_threshold")
        return self.instance.alert_threshold if value is None else value

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise ValidationError(_("Describe what the firm makes: the matcher reads this."))
        return description


class CertificationHeldForm(forms.Form):
    """One certification the firm holds, with its expiry date where known."""

    certification = forms.ModelChoiceField(queryset=Certification.objects.order_by("name"), label=_("Certification"))
    expires_on = forms.DateField(
        required=False, label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Certification names in the page's language (Japanese names on /ja/), in that language's order.
        self.fields["certification"].queryset = Certification.objects.in_reading_order(reading_japanese())
        self.fields["certification"].label_from_instance = localised


class BaseCertificationsHeldFormSet(forms.BaseFormSet):
    """Each certification at most once; `held()` gives what company_update takes."""

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self._kept_forms():
            certification = form.cleaned_data["certification"]
            if certification.pk in seen:
                form.add_error("certification", _("%(name)s is listed twice.") % {"name": localised(certification)})
            seen.add(certification.pk)

    def held(self) -> dict[Certification, datetime.date | None]:
        """{certification: expiry} for every row kept, in the shape company_update takes."""
        return {form.cleaned_data["certification"]: form.cleaned_data.get("expires_on") for form in self._kept_forms()}

    def _kept_forms(self) -> list[CertificationHeldForm]:
        return [
            form
            for form in self.forms
            if form.is_valid() and form.cleaned_data.get("certification") and not self._should_delete_form(form)
        ]


CertificationsHeldFormSet = forms.formset_factory(
    CertificationHeldForm,
    formset=BaseCertificationsHeldFormSet,
    extra=2,
    can_delete=True,
    max_num=CERTIFICATIONS_MAX,
    # Without absolute_max Django builds up to 1,000 more forms than max_num from a forged TOTAL_FORMS.
    absolute_max=CERTIFICATIONS_MAX,
    validate_max=True,
)


def conflict_redraw(
    form: forms.BaseForm,
    conflict: CompanyConflict,
    *,
    drawn_from: str,
    posted: dict[str, Any],
    labels: Mapping[str, str] | None = None,
) -> Merge:
    """Draw FORM (the page's or the admin's), refused for CONFLICT, again from the profile as it is now: its post
    becomes the three-way merge of POSTED (its cleaned values) with the stored profile against the version it was
    DRAWN_FROM, with the current version, so saving it again is deliberate and reverts nothing the user left alone;
    the refusal, and beside each field both sides changed the other side's value. Returns the merge, whose
    certifications the caller's formset is drawn from. Fields are named by LABELS, by default FORM's own labels."""
    labels = field_labels(form) if labels is None else labels
    merge = company_merge(company=conflict.company, version=drawn_from, posted=posted)
    data = form.data.copy()
    for name, value in merge.values.items():
        if name not in form.fields:
            continue
        if isinstance(value, frozenset):
            data.setlist(name, [str(pk) for pk in sorted(value)])
        elif isinstance(value, bool):
            data.setlist(name, ["on"] if value else [])  # a checkbox posts "on", or nothing
        else:
            data[name] = "" if value is None else str(value)  # replaced, not added beside
    data["version"] = company_version(conflict.company)
    form.data = data
    form.add_error(None, conflict.said(labels))
    for name in merge.clashes:
        if name in form.fields:
            form.add_error(name, conflict.clash_said(name))
        else:  # the certifications: their formset is drawn anew, so the note goes above the form
            form.add_error(None, labelled(conflict.label(name, labels), conflict.clash_said(name)))
    return merge


def profile_conflict_refill(
    form: CompanyForm, conflict: CompanyConflict, *, drawn_from: str, posted: dict[str, Any]
) -> BaseCertificationsHeldFormSet:
    """The profile page's form drawn again after CONFLICT (conflict_redraw), with its certifications' formset drawn
    from the merged certifications."""
    merge = conflict_redraw(form, conflict, drawn_from=drawn_from, posted=posted, labels=form.field_labels())
    held = merge.values.get(CERTIFICATIONS, {})
    initial = [{"certification": pk, "expires_on": expires} for pk, expires in held.items()]
    return CertificationsHeldFormSet(prefix="certifications", initial=initial)
