"""Top-level URLs: the API (unprefixed, versioned by path), the admin, and the pages in English and /ja/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from portal import account_views
from portal.health import healthz

api_patterns = [
    path("", include("programmes.api.urls")),
    path("", include("companies.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("web.api.urls")),
    path("", include("sources.api.urls")),
    path("", include("notices.api.urls")),
    path("", include("workspace.api.urls")),
    path("", include("partners.api.urls")),
    path("", include("alerts.api.urls")),
]

urlpatterns = [
    re_path(r"^api/(?P<version>v1)/", include((api_patterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    # Sign-in, sign-out and password change only: Kakehashi offers no password reset by e-mail (docs/security.md).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("opportunities/", include("web.opportunity_urls")),
    path("companies/", include("companies.urls")),
    path("", include("web.match_urls")),
    path("", include("partners.urls")),
    path("", include("notices.urls")),
    path("", include("alerts.urls")),
    path("", include("workspace.urls")),
    path("", include("web.page_urls")),
    prefix_default_language=False,
)

handler500 = "portal.errors.server_error"
