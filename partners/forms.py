"""The introduction request form on a partner's page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from partners.services import MESSAGE_MAX_LENGTH, introduction_firms
from portal.filterforms import record_choices_in_natural_order
from programmes.models import Opportunity


class IntroductionForm(forms.Form):
    """Which of the user's firms (those they edit) asks, for which opportunity (optional), and what it wants."""

    company = forms.ModelChoiceField(queryset=Company.objects.none(), to_field_name="slug", label=_("Your firm"))
    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.published(),
        to_field_name="slug",
        required=False,
        label=_("For the opportunity (optional)"),
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=MESSAGE_MAX_LENGTH, label=_("Message to the consultant")
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        firms = introduction_firms(user=user)
        self.fields["company"].queryset = firms
        only = list(firms[:2])
        if len(only) == 1:  # one firm: chosen already, no empty choice to trip over
            self.fields["company"].initial = only[0].slug
            self.fields["company"].empty_label = None
        # Opportunity titles in the page's language (Japanese titles on /ja/), in the natural order of the titles
        # shown ("field 2" before "field 10").
        record_choices_in_natural_order(self, ["opportunity"])
