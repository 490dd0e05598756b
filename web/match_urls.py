"""Match pages for company staff (the site layer: rows carry the workspace). URL names keep `matching:`."""

from django.urls import path

from web import match_views as views

app_name = "matching"

urlpatterns = [
    path("my/matches/", views.match_list_view, name="match_list"),
    path("my/matches/export.csv", views.match_export, name="match_export"),
    path("my/matches/tick-area/", views.area_tick, name="area_tick"),
    path("my/matches/dismiss-area/", views.area_dismiss, name="area_dismiss"),
    path("my/matches/undo-dismiss-area/", views.area_dismiss_undo, name="area_dismiss_undo"),
]
