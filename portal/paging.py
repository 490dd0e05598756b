"""Paging for the site's listings, forgiving of the page numbers that links and people get wrong."""

from django.views.generic.list import MultipleObjectMixin


class ForgivingPaginationMixin(MultipleObjectMixin):
    """A page number that is not a number shows the first page, and one past the end the last page, not a 404.

    ``last`` is the last page, as in Django's own ListView.

    A link kept from a longer listing (page 9 of what is now 3 pages) or a mistyped page is what a person follows;
    the API's pages stay strict (a page past the end is a JSON 404 there, which clients can act on).
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty()
        )
        asked = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or "1"
        try:
            number = paginator.num_pages if asked == "last" else int(asked)
        except ValueError:
            number = 1
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()
