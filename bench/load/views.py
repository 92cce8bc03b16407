"""The middleware-stack ceilings: a plain Django view and DRF views with no authentication, no
throttle, no database."""

from django.http import HttpRequest, JsonResponse
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.load import PAYLOAD


def django_ceiling(request: HttpRequest) -> JsonResponse:
    """A constant JSON body from a plain Django view: our middleware stack's own cost, beside
    the same view in a stock Django project (``bench.load.stock``)."""
    return JsonResponse(PAYLOAD)


class CeilingView(APIView):
    """A tiny constant JSON body through every middleware and DRF's request/response cycle."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request: Request) -> Response:
        return Response(PAYLOAD)


# A page shaped and sized as a cached favorites page of the load benchmark's data (7.5 KB):
# 20 rows of a movie list item (an overview of 156 characters) and the time it was added.
_ROW = {
    "id": 123456,
    "movie": {
        "id": 45678,
        "title": "Movie 45678",
        "release_date": "1997-06-13",
        "description": "x" * 156,
        "poster_path": "https://image.tmdb.org/t/p/w500/abcdefghijklmnopqrstuvwxyz0.jpg",
    },
    "added_at": "2026-11-25T10:30:00Z",
}
PAGE = {
    "count": 20,
    "next": None,
    "previous": None,
    "results": [{**_ROW, "id": _ROW["id"] + i} for i in range(20)],
}


class CeilingPageView(CeilingView):
    """The ceiling with a favorites page's body: what the size of a response alone costs."""

    def get(self, request: Request) -> Response:
        return Response(PAGE)
