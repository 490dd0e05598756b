"""One pagination for every API list: page numbers, a page_size parameter and a cap."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """20 rows a page by default (a firm's top 20 matches); clients may ask for up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
