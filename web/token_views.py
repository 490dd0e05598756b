"""The account page where signed-in users mint (shown once), list and revoke their API tokens."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.models import ApiToken
from portal.tokens import DEFAULT_EXPIRY, MAX_EXPIRY, token_issue, token_revoke


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “CRM sync”."))
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=MAX_EXPIRY.days,
        required=False,
        initial=DEFAULT_EXPIRY.days,
        help_text=_("Every token expires: after 90 days unless you choose another number of days."),
    )


@never_cache  # the page may show a freshly minted token: no cache may keep it
@login_required
def token_list(request):
    """List the user's tokens; a POST mints one and shows its key on this response only."""
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        _token, raw = token_issue(user=request.user, name=form.cleaned_data["name"], expires_at=expires_at)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return render(request, "portal/token_list.html", {"form": form, "tokens": tokens, "new_token": raw})


@require_POST
@login_required
def token_revoke_view(request, pk: int):
    """Revoke one of the user's tokens (another user's token is a 404)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("portal:token_list")
