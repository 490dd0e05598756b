"""Top-level URLs: the API (unprefixed, versioned by path), the admin, and the pages in English and /ja/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from portal.health import healthz

api_patterns = [
    path("", include("programmes.api.urls")),
    path("", include("companies.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("portal.api.urls")),
    path("", include("partners.api.urls")),
]

urlpatterns = [
    re_path(r"^api/(?P<version>v1)/", include((api_patterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("opportunities/", include("programmes.urls")),
    path("companies/", include("companies.urls")),
    path("", include("matching.urls")),
    path("", include("partners.urls")),
    path("", include("portal.page_urls")),
    prefix_default_language=False,
)

handler500 = "portal.errors.server_error"
