"""Forms of the alert pages: notification settings, "Save this search" on the listing, and a new webhook endpoint."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alerts.models import NotificationSettings, SavedSearch
from alerts.webhooks import EVENT_TYPES


class EmailForm(forms.Form):
    """The signed-in user's own e-mail address, on the notifications page."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("A new address takes effect once you follow the link we send to it."),
    )


class NotificationSettingsForm(forms.ModelForm):
    """Digest frequency, language and the kinds of alerts a user receives."""

    class Meta:
        model = NotificationSettings
        fields = ["frequency", "language", "saved_searches", "followed", "matches", "deadlines", "notices"]
        widgets = {"frequency": forms.RadioSelect, "language": forms.RadioSelect}

    def __init__(self, *args: Any, firmless: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if firmless:  # a consultant, or staff not yet added to a firm: there is no "my firm" to speak of
            self.fields["followed"].label = _("Changes to records followed or pursued by a firm I belong to")
            self.fields["matches"].label = _("New and moved matches of a firm I belong to")
            self.fields["notices"].label = _("Notices affecting the country or areas of a firm I belong to")


class SavedSearchForm(forms.ModelForm):
    """A name and a frequency for the listing query the form carries (hidden)."""

    class Meta:
        model = SavedSearch
        fields = ["name", "frequency", "query"]
        widgets = {"query": forms.HiddenInput}


class WebhookEndpointForm(forms.Form):
    """A URL and the events to send to it; the rules (https, public host, known events, at most 20) are the service's.

    The URL is optional here so that `webhook_endpoint_create` is the one place that says what is wrong with it;
    `service_errors` puts its message next to the field it names. No event ticked is said in the form's own words:
    the service's message speaks of a JSON list, which only API clients write.
    """

    url = forms.CharField(label=_("URL"), max_length=500, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[("*", _("Every event, including kinds added later")), *((name, name) for name in EVENT_TYPES)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one event, or all events.")},
    )

    def service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError beside the fields it names (the rest above the form)."""
        for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            self.add_error(field if field in self.fields else None, messages)
