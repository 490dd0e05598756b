"""Paging for the site's listings, forgiving of the page numbers that links and people get wrong."""

from django.core.paginator import Page, Paginator
from django.views.generic.list import MultipleObjectMixin


def forgiving_page(paginator: Paginator, asked: str | None) -> Page:
    """The page ASKED names: ``last`` is the last page, a page that is not a number the first, and one out of range
    the nearest (``-1`` the first, 9 of 3 pages the last), never a 404.

    A link kept from a longer listing (page 9 of what is now 3 pages) or a mistyped page is what a person follows;
    the API's pages stay strict (a page past the end is a JSON 404 there, which clients can act on). Every paged
    page reads its number here, so ``?page=last`` and ``?page=-1`` mean the same on each (Django's ``get_page``
    would read ``-1`` as the last page and ``last`` as the first).
    """
    try:
        number = paginator.num_pages if asked == "last" else int(asked or 1)
    except ValueError:
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


class ForgivingPaginationMixin(MultipleObjectMixin):
    """A ListView's pages read as forgiving_page reads them; ``last`` is the last page, as in Django's own ListView."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, orphans=self.get_paginate_orphans(), allow_empty_first_page=self.get_allow_empty()
        )
        page = forgiving_page(paginator, self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
