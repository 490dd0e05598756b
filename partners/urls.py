"""Partner pages and the firm's introduction requests."""

from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path("partners/<slug:slug>/introduce/", views.IntroductionCreateView.as_view(), name="introduction_create"),
    path("my/introductions/", views.IntroductionListView.as_view(), name="introduction_list"),
    path("my/introductions/<int:pk>/", views.IntroductionDetailView.as_view(), name="introduction_detail"),
]
