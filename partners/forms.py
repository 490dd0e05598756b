"""The introduction request form on a partner's page."""

from django import forms
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from partners.services import MESSAGE_MAX_LENGTH, introduction_firms
from portal.text import localised
from programmes.models import Opportunity


class IntroductionForm(forms.Form):
    """Which of the user's firms (those they edit) asks, for which opportunity (optional), and what it wants."""

    company = forms.ModelChoiceField(queryset=Company.objects.none(), to_field_name="slug", label=_("Your firm"))
    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.published().order_by("title"),
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
        # Opportunity titles in the page's language (Japanese titles on /ja/), in the order of the titles shown.
        self.fields["opportunity"].label_from_instance = localised
        if (get_language() or "").startswith("ja"):
            shown = Coalesce(NullIf("title_ja", Value("")), "title")
            self.fields["opportunity"].queryset = Opportunity.objects.published().order_by(shown, "title")
