"""System checks for settings that work alone but not together."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches)
def api_cache_shared(app_configs, **kwargs) -> list[Warning]:
    """Cached API answers need a cache every process shares: a write in one worker must retire them in all."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.API_CACHE_SECONDS and not settings.DEBUG and backend.endswith("LocMemCache"):
        return [
            Warning(
                "API_CACHE_SECONDS is on with a per-process cache: a token revoked or a record edited in one "
                "worker would stay cached in the others for up to API_CACHE_SECONDS.",
                hint="Set REDIS_URL (a shared cache), or API_CACHE_SECONDS=0.",
                id="kakehashi.W001",
            )
        ]
    return []
