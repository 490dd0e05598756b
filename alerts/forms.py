"""Forms of the alert pages: notification settings, and "Save this search" on the listing."""

from django import forms

from alerts.models import NotificationSettings, SavedSearch


class NotificationSettingsForm(forms.ModelForm):
    """Digest frequency, language and the kinds of alerts a user receives."""

    class Meta:
        model = NotificationSettings
        fields = ["frequency", "language", "saved_searches", "followed", "matches", "deadlines", "notices"]
        widgets = {"frequency": forms.RadioSelect, "language": forms.RadioSelect}


class SavedSearchForm(forms.ModelForm):
    """A name and a frequency for the listing query the form carries (hidden)."""

    class Meta:
        model = SavedSearch
        fields = ["name", "frequency", "query"]
        widgets = {"query": forms.HiddenInput}
