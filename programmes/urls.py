"""Opportunity pages."""

from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="opportunity_list"),
    path("export.csv", views.opportunity_export, name="opportunity_export"),
    path("<slug:slug>/", views.OpportunityDetailView.as_view(), name="opportunity_detail"),
]
