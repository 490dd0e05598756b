"""Pages of this app, mounted in English and under /ja/ by web/urls.py."""

from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notice_list"),
    path("notices/<slug:slug>/", views.notice_detail, name="notice_detail"),
]
