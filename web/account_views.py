"""The account page: one place that says who you are here and links to everything you can set."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from alerts.addresses import email_change_pending
from alerts.models import NotificationSettings, WebhookEndpoint
from companies.models import Membership
from portal.models import ApiToken
from portal.roles import is_consultant


@login_required
@cache_control(private=True)
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's address, firms and roles, and what is set for notifications, webhooks and API tokens.

    It reads only the user's own rows, so there is nothing of anyone else's to hide. Changes are made on the pages it
    links to, each of which keeps its own rules (the address through its confirmation link, and so on).
    """
    user = request.user
    chosen = NotificationSettings.objects.filter(user=user).first()
    context = {
        "email_pending": email_change_pending(user=user),
        "memberships": Membership.objects.filter(user=user).select_related("company").order_by("company__name"),
        "consultant": is_consultant(user),
        # Not created here: a page that is only read writes nothing. Unsaved, the model's defaults are what apply.
        "notifications": chosen or NotificationSettings(user=user),
        "notifications_chosen": chosen is not None,
        "webhooks_active": WebhookEndpoint.objects.filter(owner=user, active=True).count(),
        "tokens_active": ApiToken.objects.filter(user=user).active().count(),
    }
    return render(request, "portal/account.html", context)
