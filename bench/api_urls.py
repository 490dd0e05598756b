"""URLs for bench/api.sh: the portal's own, plus the bare comparison views under /bench/bare/."""

from django.urls import path

from bench import api_bare
from web.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/bare/companies/<slug:slug>/matches/", api_bare.company_matches),
    path("bench/bare/opportunities/", api_bare.opportunities),
    *portal_urlpatterns,
]
