"""Workspace pages: a firm's pipeline, Follow/Pursue, feedback on matches, and the consultants' feedback report."""

from django.urls import path

from workspace import views

app_name = "workspace"

FIRM = "workspace/<slug:company_slug>/"
ENTRY = FIRM + "pipeline/<slug:opportunity_slug>/"
MATCH = FIRM + "matches/<slug:opportunity_slug>/"

urlpatterns = [
    path(FIRM + "pipeline/", views.pipeline_list_view, name="pipeline_list"),
    path(FIRM + "pipeline/export.csv", views.pipeline_export, name="pipeline_export"),
    path(ENTRY, views.pipeline_detail_view, name="pipeline_detail"),
    path(ENTRY + "set/", views.pipeline_set, name="pipeline_set"),
    path(ENTRY + "delete/", views.pipeline_delete, name="pipeline_delete"),
    path(FIRM + "matches/bulk/", views.matches_bulk, name="matches_bulk"),
    path(MATCH + "not-relevant/", views.feedback_give, name="feedback_give"),
    path(MATCH + "not-relevant/undo/", views.feedback_withdraw, name="feedback_withdraw"),
    path("consultants/feedback/", views.feedback_report_view, name="feedback_report"),
]
