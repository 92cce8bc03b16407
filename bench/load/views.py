"""The middleware-stack ceiling: a DRF view with no authentication, no throttle, no database."""

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

PAYLOAD = {"status": "ok", "service": "movie-recommendation"}


class CeilingView(APIView):
    """A tiny constant JSON body through every middleware and DRF's request/response cycle."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request: Request) -> Response:
        return Response(PAYLOAD)
