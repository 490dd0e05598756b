"""Site-wide pages: home, calendar and its feeds, account and API tokens."""

from django.urls import path

from web import token_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/tokens/", token_views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/private.ics", views.private_calendar_feed, name="private_calendar_feed"),
    path("calendar/<slug:slug>.ics", views.company_calendar_feed, name="company_calendar_feed"),
]
