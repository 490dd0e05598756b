"""The client's address, trusting X-Forwarded-For only as far as the proxies we run (TRUSTED_PROXY_COUNT).

DRF's throttles read settings.REST_FRAMEWORK["NUM_PROXIES"], set from the same number, with the same rule; this
function gives django-axes that rule too, so the sign-in lock-out and the API throttles see the same client.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR with no trusted proxy; else the address the outermost of our proxies saw (DRF's get_ident rule)."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count or not forwarded:
        return remote_addr
    addresses = forwarded.split(",")
    return addresses[-min(count, len(addresses))].strip()
