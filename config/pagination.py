from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import PageNumberPagination


class InvalidPageError(APIException):
    status_code = 400
    default_detail = "Invalid page."
    default_code = "invalid_page"


class StrictPageNumberPagination(PageNumberPagination):
    """``?page=`` (1-based) and ``?page_size=`` (up to 100).

    A page that is not a positive integer or lies past the end is answered 400
    ``{"detail": "Invalid page."}`` as the API spec says (DRF itself answers 404).
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise InvalidPageError() from exc
