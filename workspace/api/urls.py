"""API routes of the workspace, mounted under /api/v1/ by portal/urls.py."""

from django.urls import path

from workspace.api import views

FIRM = "companies/<slug:company_slug>/"

pipeline_list = views.PipelineEntryViewSet.as_view({"get": "list"})
pipeline_detail = views.PipelineEntryViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})
feedback = views.MatchFeedbackViewSet.as_view({"post": "create", "delete": "destroy"})
opportunity_feedback = views.OpportunityFeedbackViewSet.as_view({"get": "list"})

urlpatterns = [
    path(FIRM + "pipeline/", pipeline_list, name="company-pipeline-list"),
    path(FIRM + "pipeline/<slug:opportunity_slug>/", pipeline_detail, name="company-pipeline-detail"),
    path(FIRM + "matches/<slug:opportunity_slug>/feedback/", feedback, name="company-match-feedback"),
    path("opportunities/<slug:opportunity_slug>/feedback/", opportunity_feedback, name="opportunity-feedback-list"),
]
