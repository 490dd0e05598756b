"""The `Location` header of a `201 Created` (and of a match run's `202` or `503`): the detail route of what the write
made, absolute as DRF builds its links."""

from rest_framework.request import Request
from rest_framework.reverse import reverse


def created_location(request: Request, route: str, **kwargs: object) -> dict[str, str]:
    """Headers naming the resource a write created: ROUTE (a URL name in the `api` namespace) with KWARGS.

    The version comes from the request (URLPathVersioning), and the host too, as in the `url` of the API's bodies.
    """
    return {"Location": reverse(f"api:{route}", kwargs=kwargs, request=request)}
