"""Alert pages: notification settings, saving a search from the listing, the Atom feed, one-click unsubscribe and
the user's webhook endpoints."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alerts.addresses import email_change_confirm, email_change_for_link, email_change_pending, email_change_request
from alerts.emails import site_url
from alerts.feeds import feed_render
from alerts.forms import EmailForm, NotificationSettingsForm, SavedSearchForm, WebhookEndpointForm
from alerts.models import NotificationSettings, SavedSearch, WebhookEndpoint
from alerts.preferences import (
    feed_link_active,
    feed_link_issue,
    feed_link_revoke,
    notification_settings_get,
    notification_settings_update,
    notification_unsubscribe_all,
)
from alerts.searches import listing_search_query, saved_search_create, saved_search_delete, saved_search_update
from alerts.tasks import deliver_emails_task
from alerts.webhooks import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_list,
    webhook_endpoint_update,
    webhook_problems_check,
    webhook_secret_rotate,
)
from companies.models import Company
from portal.login_return import same_site_url
from portal.models import EmailChange, SecretLink
from portal.secret_links import secret_link_resolve
from portal.text import form_problems_said


def _settings_page(
    request: HttpRequest, form: NotificationSettingsForm, *, feed_url: str = "", email_form: EmailForm | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "email_form": email_form or EmailForm(initial={"email": request.user.email}),
        "feed_url": feed_url,
        "email_pending": email_change_pending(user=request.user),
        "feed_active": feed_link_active(user=request.user),
        "saved_searches": SavedSearch.objects.filter(user=request.user),
        "frequency_choices": SavedSearch.Frequency.choices,
        "stored": notification_settings_get(user=request.user),  # as saved, not as a refused form posted it
    }
    return render(request, "alerts/notification_settings.html", context)


@login_required
@cache_control(private=True)
def notification_settings(request: HttpRequest) -> HttpResponse:
    """What the user is told and how: digest frequency, language, kinds, the Atom feed and unsubscribe-all."""
    settings = notification_settings_get(user=request.user, language=get_language())
    firmless = not Company.objects.member_of(request.user).exists()
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST, instance=settings, firmless=firmless)
        digest_was_off = settings.frequency == NotificationSettings.Frequency.OFF
        if form.is_valid():
            saved = notification_settings_update(user=request.user, data=form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            if digest_was_off and saved.frequency != NotificationSettings.Frequency.OFF and not saved.deadlines:
                # "Unsubscribe from all email" unticked the reminders too: turning the digest on does not tick them.
                messages.warning(request, _("Deadline reminders are still off: tick them to get them again."))
            return redirect("alerts:notification_settings")
        return _settings_page(request, form)
    return _settings_page(request, NotificationSettingsForm(instance=settings, firmless=firmless))


@login_required
@require_POST
def email_set(request: HttpRequest) -> HttpResponse:
    """Ask for a new address for the signed-in user: a link goes there, and the address changes when it is followed."""
    email_form = EmailForm(request.POST)
    if email_form.is_valid():
        try:
            change = email_change_request(user=request.user, email=email_form.cleaned_data["email"])
        except ValidationError as error:  # the service's rules (one account per address) beside the field
            for field, problems in error.message_dict.items():
                for problem in problems:
                    email_form.add_error(field if field in email_form.fields else None, problem)
        else:
            if change is not None:
                transaction.on_commit(deliver_emails_task.delay)  # the beat would send it within a minute anyway
                messages.success(request, _email_sent_text(request.user.email, change.email))
            else:
                messages.success(request, _("Emails keep going to %(email)s.") % {"email": request.user.email})
            return redirect("alerts:notification_settings")
    settings = notification_settings_get(user=request.user)
    return _settings_page(request, NotificationSettingsForm(instance=settings), email_form=email_form)


def _email_sent_text(current: str, new: str) -> str:
    if current:
        return _("We sent a link to %(new)s. Emails keep going to %(current)s until you follow it.") % {
            "new": new,
            "current": current,
        }
    return _("We sent a link to %(new)s. Digests and reminders start once you follow it.") % {"new": new}


def _link_not_found(request: HttpRequest) -> HttpResponse:
    """The site's 404 page, which says an email's link may have been used, replaced or expired: rendered here, not
    raised, so `make run` (debug on) shows it too rather than Django's list of URL patterns."""
    return render(request, "404.html", status=404)


@cache_control(private=True, no_store=True)
def email_confirm(request: HttpRequest) -> HttpResponse:
    """GET: the address a confirmation link was sent to, with a button; POST: make it the account's address. No
    sign-in needed: the link, which only that inbox received, is the proof. An unknown, replaced or expired link
    is a 404."""
    change = email_change_for_link(raw=request.GET.get("token"))
    if change is None:
        return _link_not_found(request)
    if request.method == "GET":
        return render(request, "alerts/email_confirm.html", {"change": change})
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    email = change.email
    try:
        email_change_confirm(change=change)
    except EmailChange.DoesNotExist:  # replaced or dropped since the page was read
        return _link_not_found(request)
    except ValidationError as error:  # another account took the address since the link was sent
        return render(request, "alerts/email_confirm.html", {"problem": " ".join(error.messages)}, status=409)
    transaction.on_commit(deliver_emails_task.delay)  # the old address's notice now, not at the beat's next minute
    return render(request, "alerts/email_confirm.html", {"done": True, "change_email": email})


@login_required
@require_POST
@cache_control(private=True, no_store=True)  # the page shows a fresh secret: no cache may keep it
def feed_link(request: HttpRequest) -> HttpResponse:
    """Make (or remake) the user's secret Atom feed URL; it is shown on this answer only."""
    raw = feed_link_issue(user=request.user)
    feed_url = site_url(f"{reverse('alerts:feed')}?{urlencode({'token': raw})}")
    settings = notification_settings_get(user=request.user)
    return _settings_page(request, NotificationSettingsForm(instance=settings), feed_url=feed_url)


@login_required
@require_POST
def feed_link_delete(request: HttpRequest) -> HttpResponse:
    """Revoke the user's Atom feed URL."""
    feed_link_revoke(user=request.user)
    messages.success(request, _("Your feed link no longer works."))
    return redirect("alerts:notification_settings")


@login_required
@require_POST
def unsubscribe_all(request: HttpRequest) -> HttpResponse:
    """Stop every email to the signed-in user (digests and reminders)."""
    notification_unsubscribe_all(user=request.user)
    messages.success(request, _("You will receive no more email from Kakehashi."))
    return redirect("alerts:notification_settings")


@login_required
@require_POST
def saved_search_add(request: HttpRequest) -> HttpResponse:
    """Save the listing's current query ("Save this search"), then go back to the listing."""
    form = SavedSearchForm(request.POST)
    back = _saved_search_back(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # What the listing applies: its filters, not the paging, company switcher or tracking the URL carried.
            saved_search_create(
                user=request.user,
                name=data["name"],
                query=listing_search_query(data["query"]),
                frequency=data["frequency"],
                labels=True,  # a refused filter by the name the listing shows, not its parameter
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Search saved: new results will come in your digest."))
    else:
        messages.error(request, form_problems_said(form))
    return redirect(back)


def _saved_search_back(request: HttpRequest) -> str:
    """Where "Save this search" returns: the listing with the posted query, else the page the form was posted from
    (`next`, then the Referer), else the bare listing; each only if it is a safe address on this site. All of them
    keep the page's language (a URL too long to be safe, such as an over-long query, no longer lands on `/`)."""
    listing = reverse("programmes:opportunity_list")  # /ja/opportunities/ when posted under /ja/
    query = request.POST.get("query", "")
    for candidate in (
        listing + (f"?{query}" if query else ""),
        request.POST.get("next", ""),
        request.META.get("HTTP_REFERER", ""),
    ):
        if candidate and same_site_url(request, candidate):
            return candidate
    return listing


@login_required
@require_POST
def saved_search_frequency_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Change how often one of the user's saved searches is emailed (another user's answers 404)."""
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    frequency = request.POST.get("frequency", "")
    if frequency not in SavedSearch.Frequency.values:
        messages.error(request, _("Choose daily or weekly."))
    else:
        search = saved_search_update(search=search, data={"frequency": frequency})
        messages.success(
            request,
            _("“%(name)s” is now emailed: %(frequency)s.")
            % {"name": search.name, "frequency": search.get_frequency_display()},
        )
    return redirect(f"{reverse('alerts:notification_settings')}#saved-searches")


@login_required
@require_POST
def saved_search_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved searches (another user's answers 404)."""
    saved_search_delete(search=get_object_or_404(SavedSearch, pk=pk, user=request.user))
    messages.success(request, _("Saved search deleted."))
    return redirect("alerts:notification_settings")


@cache_control(private=True, max_age=0)
def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed behind a secret URL (`?token=`); an unknown or revoked secret is a 404."""
    link = secret_link_resolve(raw=request.GET.get("token"), purpose=SecretLink.Purpose.FEED)
    if link is None:
        raise Http404
    language = notification_settings_get(user=link.user).language
    body = feed_render(user=link.user, language=language, feed_url=request.build_absolute_uri())
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session and no CSRF token
def unsubscribe(request: HttpRequest) -> HttpResponse:
    """GET: a page asking to confirm; POST: unsubscribe the link's user from every email, no sign-in needed.

    An unknown or revoked link answers 404 with the site's page saying so and where email settings are changed: a
    person who followed an old email's link needs that, not a bare "not found"."""
    link = secret_link_resolve(raw=request.GET.get("token"), purpose=SecretLink.Purpose.UNSUBSCRIBE)
    if link is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404)
    done = request.method == "POST"
    if done:
        notification_unsubscribe_all(user=link.user)
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(request, "alerts/unsubscribe.html", {"done": done, "language": get_language()})


def _webhooks_page(
    request: HttpRequest, form: WebhookEndpointForm, *, secret: str = "", secret_for: WebhookEndpoint | None = None
) -> HttpResponse:
    """The webhooks page; SECRET (just made or rotated) is rendered in this answer only, never stored or redirected."""
    context = {
        "endpoints": webhook_endpoint_list(owner=request.user),
        "form": form,
        "secret": secret,
        "secret_for": secret_for,
    }
    return render(request, "alerts/webhook_list.html", context)


def _own_endpoint(request: HttpRequest, pk: int) -> WebhookEndpoint:
    """One of the signed-in user's endpoints; anyone else's id is a 404."""
    return get_object_or_404(WebhookEndpoint.objects.owned_by(request.user), pk=pk)


@login_required
@cache_control(private=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """The user's webhook endpoints with their latest deliveries, and the form to add one."""
    return _webhooks_page(request, WebhookEndpointForm())


@login_required
@require_POST
@cache_control(private=True, no_store=True)
def webhook_create(request: HttpRequest) -> HttpResponse:
    """Add an endpoint; its signing secret is shown on this answer only."""
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            endpoint, secret = webhook_endpoint_create(owner=request.user, url=data["url"], events=data["events"])
        except ValidationError as error:
            form.service_errors(error)
        else:
            messages.success(request, _("Webhook endpoint added."))
            return _webhooks_page(request, WebhookEndpointForm(), secret=secret, secret_for=endpoint)
    elif "url" in form.cleaned_data:
        # Events refused by the form: the URL's problems are said with them, not on the next try (as the API does).
        try:
            url = form.cleaned_data["url"]
            webhook_problems_check(WebhookEndpoint(owner=request.user, url=url), url=url, events=None)
        except ValidationError as error:
            form.service_errors(error)
    return _webhooks_page(request, form)


@login_required
@require_POST
def webhook_switch_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop deliveries to one of the user's endpoints; those not yet sent are cancelled."""
    webhook_endpoint_update(endpoint=_own_endpoint(request, pk), active=False)
    messages.success(request, _("Endpoint switched off. Deliveries not yet sent are cancelled."))
    return redirect("alerts:webhook_list")


@login_required
@require_POST
def webhook_switch_on(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a disabled endpoint on again: it receives what happens from now on, its failures cleared."""
    webhook_endpoint_update(endpoint=_own_endpoint(request, pk), active=True)
    messages.success(
        request,
        _("Endpoint switched on again. It receives events from now on; those of the time it was off are not sent."),
    )
    return redirect("alerts:webhook_list")


@login_required
@require_POST
@cache_control(private=True, no_store=True)
def webhook_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """Give one of the user's endpoints a new signing secret, shown on this answer only."""
    endpoint = _own_endpoint(request, pk)
    secret = webhook_secret_rotate(endpoint=endpoint)
    messages.success(request, _("New secret made. Deliveries from now on are signed with it."))
    return _webhooks_page(request, WebhookEndpointForm(), secret=secret, secret_for=endpoint)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's endpoints and cancel its deliveries not yet sent."""
    webhook_endpoint_delete(endpoint=_own_endpoint(request, pk))
    messages.success(request, _("Webhook endpoint deleted."))
    return redirect("alerts:webhook_list")
