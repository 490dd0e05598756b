"""Opportunity pages (the site layer: they show the viewer's scores and workspace). URL names keep `programmes:`."""

from django.urls import path

from web import opportunity_views as views

app_name = "programmes"

urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="opportunity_list"),
    path("export.csv", views.opportunity_export, name="opportunity_export"),
    path("<slug:slug>/", views.OpportunityDetailView.as_view(), name="opportunity_detail"),
]
