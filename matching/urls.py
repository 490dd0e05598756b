"""Match pages for company staff."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("my/matches/", views.match_list_view, name="match_list"),
    path("my/matches/export.csv", views.match_export, name="match_export"),
]
