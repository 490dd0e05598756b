"""One pagination for every API list: page numbers, a page_size parameter and a cap."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class StandardPagination(PageNumberPagination):
    """20 rows a page by default (a firm's top 20 matches); clients may ask for up to 100.

    A `page` or `page_size` that is not a whole number from 1 is a 400 naming it, as every other bad parameter is
    (docs/api.md); a page past the end stays a 404. A `page_size` above 100 is capped, as documented.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        given = request.query_params.get(self.page_size_query_param)
        if given is None or given == "":
            return self.page_size
        number = _whole(given)
        if number is None:
            message = _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return min(number, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """`page` and `page_size` as the API reads them: whole numbers from 1, `page=last`, a page size capped."""
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("A page number from 1, or `last`. A page past the end is a 404.")),
                "schema": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["last"]}]},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Rows a page, from 1 (default %(default)d); more than %(max)d gives %(max)d.")
                    % {"default": self.page_size, "max": self.max_page_size}
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
        ]

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        given = request.query_params.get(self.page_query_param)
        if given not in (None, "") and given not in self.last_page_strings and _whole(given) is None:
            raise ValidationError(
                {self.page_query_param: [_("Give a page number: a whole number from 1, or last for the last page.")]}
            )
        return super().paginate_queryset(queryset, request, view)


def _whole(text: str) -> int | None:
    """TEXT as a whole number from 1, or None."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number >= 1 else None
