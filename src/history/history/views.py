from typing import Any, cast

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.integers import plain_int
from core.api.schema import THROTTLED, UNAUTHENTICATED
from core.api.user_lists import UserMovieListViewSet, list_schema
from history import schema, selectors, services
from history.cache import HISTORIES
from history.letterboxd import letterboxd_csv
from history.models import Play
from history.serializers import PlayAddSerializer, PlaySerializer


@extend_schema(tags=["history"])
@extend_schema_view(
    list=list_schema(
        summary="List your plays", serializer=PlaySerializer, example=schema.PLAY_EXAMPLE
    ),
    create=extend_schema(
        summary="Add a play",
        request=PlayAddSerializer,
        responses={
            201: PlaySerializer,
            400: schema.INVALID_PLAY,
            401: UNAUTHENTICATED,
            429: THROTTLED,
        },
        examples=[schema.ADD_REQUEST, schema.ADDED],
    ),
    destroy=extend_schema(
        summary="Remove a play",
        responses={
            204: OpenApiResponse(description="Removed; no body."),
            401: UNAUTHENTICATED,
            404: schema.PLAY_NOT_FOUND,
            429: THROTTLED,
        },
    ),
)
class HistoryViewSet(UserMovieListViewSet):
    """Your watch history: each time you saw a movie, newest first (by day; plays without a
    day last). Cached per user and page."""

    serializer_class = PlaySerializer
    create_serializer_class = PlayAddSerializer
    queryset = Play.objects.none()  # for the schema; get_queryset does the reading
    list_cache = HISTORIES
    write_scope = "history_write"

    def get_queryset(self):
        return selectors.play_list(user_id=self.user_id)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = PlayAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        play = services.play_add(user=cast(Any, request.user), **body.validated_data)
        return Response(self.get_serializer(play).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        play_id = plain_int(kwargs["pk"]) or 0
        services.play_remove(user=cast(Any, request.user), play_id=play_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JSONErrors(BaseContentNegotiation):
    """The file is CSV whatever the client accepts; its errors (401) are the API's JSON, never
    a 406 for an ``Accept: text/csv`` (DRF's documented "ignore the client" negotiation)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class LetterboxdExportView(APIView):
    """Your watch history and ratings as a CSV file in Letterboxd's import format
    (`tmdbID,Title,Year,WatchedDate,Rating10,Rewatch`): a row per play with the movie's rating,
    and a row without a date per movie rated but never played. Letterboxd's `Rating10` is whole
    (half stars): a rating of 8.5 becomes 9. A cell that starts like a formula (`=`, `+`, `-`,
    `@`) gets a leading `'`. Private: never stored by caches."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = JSONErrors

    @extend_schema(
        tags=["history"],
        summary="Export your history for Letterboxd",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The CSV file (UTF-8, CRLF line ends), as an attachment.",
                examples=[schema.LETTERBOXD_EXAMPLE],
            ),
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        body = letterboxd_csv(user=cast(Any, request.user))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="letterboxd.csv"'
        patch_cache_control(response, private=True, no_store=True)
        return response
