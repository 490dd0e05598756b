"""Opportunity pages."""

from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="opportunity_list"),
    path("<slug:slug>/", views.OpportunityDetailView.as_view(), name="opportunity_detail"),
]
