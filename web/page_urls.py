"""Site-wide pages: home, calendar and its feeds, account and API tokens, event briefs."""

from django.urls import path

from web import account_views, brief_views, token_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", account_views.account, name="account"),
    path("account/tokens/", token_views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/private.ics", views.private_calendar_feed, name="private_calendar_feed"),
    path("calendar/<slug:slug>.ics", views.company_calendar_feed, name="company_calendar_feed"),
    path("my/briefs/<slug:slug>/", brief_views.event_brief_view, name="event_brief"),
    path("my/briefs/<slug:slug>/event.ics", brief_views.event_brief_ics, name="event_brief_ics"),
]
