"""Site-wide pages: home, calendar and its feeds, account and API tokens."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/<slug:slug>.ics", views.company_calendar_feed, name="company_calendar_feed"),
]
