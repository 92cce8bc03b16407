from typing import TYPE_CHECKING, Any, cast

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.integers import plain_int
from core.api.pagination import (
    CachedPagesMixin,
    StrictPageNumberPagination,
    cached_page_response,
)
from favorites import schema, selectors, services
from favorites.cache import FavoritePages
from favorites.models import FavoriteMovie
from favorites.serializers import FavoriteMovieCreateSerializer, FavoriteMovieSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


@extend_schema_view(
    list=extend_schema(
        summary="List favorite movies",
        responses={
            200: FavoriteMovieSerializer(many=True),
            400: schema.INVALID_PAGE_RESPONSE,
            401: schema.UNAUTHENTICATED,
        },
        examples=[schema.FAVORITE_PAGE],
    ),
    create=extend_schema(
        summary="Add favorite movie",
        request=FavoriteMovieCreateSerializer,
        responses={
            201: FavoriteMovieSerializer,
            400: schema.INVALID_ADD,
            401: schema.UNAUTHENTICATED,
            429: schema.THROTTLED,
        },
        examples=[schema.ADD_REQUEST, schema.ADDED],
    ),
    destroy=extend_schema(
        summary="Remove favorite movie",
        responses={
            204: OpenApiResponse(description="Removed; no body."),
            401: schema.UNAUTHENTICATED,
            404: schema.FAVORITE_NOT_FOUND,
        },
    ),
)
@extend_schema(tags=["favorites"])
class FavoriteMovieViewSet(
    CachedPagesMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The authenticated user's favorite movies. The list is cached per user and page."""

    permission_classes = [IsAuthenticated]  # so request.user is a user (the casts below)
    serializer_class = FavoriteMovieSerializer
    queryset = FavoriteMovie.objects.none()  # for the schema; get_queryset does the reading
    filter_backends: list = []

    @property
    def throttle_scope(self) -> str | None:
        """Only writes are throttled (DRF's scoped throttle passes a view without a scope)."""
        return None if self.request.method in ("GET", "HEAD", "OPTIONS") else "favorites_write"

    def get_queryset(self):
        return selectors.favorite_list(user_id=cast("_User", self.request.user).pk)

    def user_pages(self, user_id: Any) -> FavoritePages:
        return FavoritePages(user_id=user_id)

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]  # DRF passes it through
        return cached_page_response(
            request,
            cast(StrictPageNumberPagination, self.paginator),  # the default class
            self.user_pages(cast("_User", request.user).pk),
            compute=lambda: super(FavoriteMovieViewSet, self).list(request).data,
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = FavoriteMovieCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        favorite = services.favorite_add(
            user=cast("_User", request.user), movie_id=serializer.validated_data["movie_id"]
        )
        return Response(FavoriteMovieSerializer(favorite).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        user = cast("_User", request.user)
        services.favorite_remove(user=user, favorite_id=plain_int(kwargs["pk"]) or 0)
        return Response(status=status.HTTP_204_NO_CONTENT)
