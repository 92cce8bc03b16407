"""A URLconf with one authenticated POST endpoint, to probe CSRF enforcement in cookie mode."""

from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class Probe(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("api/probe/", Probe.as_view()),
    path("api/", include("accounts.urls")),
]
