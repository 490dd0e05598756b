"""Settings for bench/api.sh only: the portal's settings with URLs that add the bare comparison views."""

from portal.settings import *  # noqa: F403 (the portal's settings, unchanged but for the URLconf)

ROOT_URLCONF = "bench.api_urls"
