"""The API of a user's list of movies (favorites, the watchlist): list (cached per user and
page), add ``{"movie_id": n}``, remove by id. An app subclasses ``UserMovieListViewSet`` with
its serializers, cache, services (``add_movie``, ``remove_row``) and throttle scope, and
declares its schema."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.integers import StrictIntegerField, plain_int
from core.api.pagination import StrictPageNumberPagination, cached_page_response, read_with_user
from core.api.schema import (
    NOT_FOUND,
    THROTTLED,
    UNAUTHENTICATED,
    detail_response,
    invalid_list_query,
)
from core.api.serializers import BuiltOnceModelSerializer
from core.user_lists import UserListCache


# A row of a user's list; subclasses add ``movie`` (the catalog's list item) and ``Meta.model``.
# (Comments, not docstrings: drf-spectacular would show them on every subclass's schema.)
class UserMovieSerializer(BuiltOnceModelSerializer):
    added_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)

    class Meta:
        fields = ["id", "movie", "added_at"]
        read_only_fields = fields


# An add's body. Unbounded: an id no movie can have is answered like any unknown movie.
class MovieIdSerializer(serializers.Serializer[Any]):
    movie_id = StrictIntegerField(help_text="The id of a movie in the catalog.")


class CachedUserPages(GenericAPIView):  # type: ignore[type-arg]  # no T at run time
    """The authenticated user's rows as pages cached in ``list_cache``
    (``cached_page_response``: ETag, 304), built from ``get_queryset`` and the view's
    serializer on a miss; a GET of the list reads its page with the user."""

    list_cache: ClassVar[UserListCache]

    @property
    def user_id(self) -> int:
        """The authenticated user's id (``IsAuthenticated``: never the anonymous user's None)."""
        return cast(int, self.request.user.pk)

    @property
    def pagination(self) -> StrictPageNumberPagination:
        return cast(StrictPageNumberPagination, self.paginator)  # the default class

    def perform_authentication(self, request: Request) -> None:
        """DRF's; a GET of the list has its page read with the user (``read_with_user``)."""
        if request.method in ("GET", "HEAD") and getattr(self, "action", "list") == "list":
            read_with_user(request, self.pagination, self.list_cache.pages)
        super().perform_authentication(request)

    def cached_list(self, request: Request) -> HttpResponse:
        def compute() -> dict[str, Any]:
            page = self.paginate_queryset(self.get_queryset())
            body: dict[str, Any] = self.get_paginated_response(
                self.get_serializer(page, many=True).data
            ).data
            return body

        pages = self.list_cache.pages(self.user_id)
        return cached_page_response(request, self.pagination, pages, compute)


class UserListView(CachedUserPages):
    """GET: the authenticated user's rows, cached per user and page."""

    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []

    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.cached_list(request)


class UserMovieListViewSet(
    CachedUserPages,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]  # no GenericViewSet[T] at run time
):
    """The authenticated user's rows; only writes are throttled (``write_scope``). A subclass
    names its app's services: ``add_movie`` and ``remove_row`` call them."""

    permission_classes = [IsAuthenticated]  # so request.user is a user
    filter_backends: list[Any] = []
    create_serializer_class: ClassVar[type[serializers.Serializer[Any]]] = MovieIdSerializer
    write_scope: ClassVar[str]

    def add_movie(self, *, user: Any, movie_id: int) -> Any:
        """The app's service that adds ``movie_id`` to the user's list (the new row)."""
        raise NotImplementedError

    def remove_row(self, *, user: Any, row_id: int) -> None:
        """The app's service that removes the user's row ``row_id`` (the model's
        ``DoesNotExist``, a 404, if it is not theirs)."""
        raise NotImplementedError

    @property
    def throttle_scope(self) -> str | None:
        """DRF's scoped throttle passes a view without a scope: reads are not counted."""
        return None if self.request.method in ("GET", "HEAD", "OPTIONS") else self.write_scope

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]  # DRF passes it through
        return self.cached_list(request)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.create_serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        row = self.add_movie(user=request.user, movie_id=body.validated_data["movie_id"])
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.remove_row(user=request.user, row_id=plain_int(kwargs["pk"]) or 0)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserMovieDeleteView(APIView):
    """``DELETE .../<movie_id>/``: the app's service for the authenticated user and the movie
    (``delete_movie``: hide it, restore it, remove its rating), then 204; the service's errors
    are the answer (a 404 for what the user does not have)."""

    permission_classes = [IsAuthenticated]

    def delete_movie(self, *, user: Any, movie_id: int) -> None:
        raise NotImplementedError

    def delete(self, request: Request, movie_id: int) -> Response:
        self.delete_movie(user=request.user, movie_id=movie_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def list_schema(
    *, summary: str, serializer: type[serializers.Serializer[Any]], example: dict[str, Any]
) -> Any:
    """The schema of a user's cached list (``UserListView.get``, a viewset's ``list``): its
    page, 400 and 401, and an example row."""
    return extend_schema(
        summary=summary,
        responses={
            200: serializer(many=True),
            400: invalid_list_query("Invalid page or page size."),
            401: UNAUTHENTICATED,
        },
        # A list's example is one item: drf-spectacular shows it in a page of its own.
        examples=[
            OpenApiExample("A page", value=example, response_only=True, status_codes=["200"])
        ],
    )


@dataclass(frozen=True)
class UserListTexts:
    """What a list's schema says: ``noun`` as in "List <noun>s" ("favorite movie"),
    ``list_name`` as in "already in <list_name>", the message of a movie already there, and of
    a row id that is not the user's."""

    noun: str
    list_name: str
    already: str
    not_found: str


def user_list_schema(
    *,
    tag: str,
    texts: UserListTexts,
    serializer: type[serializers.Serializer[Any]],
    request: type[serializers.Serializer[Any]],
    movie_example: dict[str, Any],
) -> Callable[[type[UserMovieListViewSet]], type[UserMovieListViewSet]]:
    """The schema of a ``UserMovieListViewSet``: its operations, errors and examples."""
    row = {"id": 7, "movie": movie_example, "added_at": "2026-11-25T10:30:00Z"}
    invalid_add = OpenApiResponse(
        description=f"Movie already in {texts.list_name}, or invalid movie id.",
        examples=[
            OpenApiExample("Already there", value={"non_field_errors": [texts.already]}),
            OpenApiExample(
                "Unknown movie",
                value={"movie_id": ['Invalid pk "999999" - object does not exist.']},
            ),
        ],
    )
    add = OpenApiExample("Add", value={"movie_id": 1}, request_only=True)
    added = OpenApiExample("Added", value=row, response_only=True, status_codes=["201"])
    views = extend_schema_view(
        list=list_schema(summary=f"List {texts.noun}s", serializer=serializer, example=row),
        create=extend_schema(
            summary=f"Add {texts.noun}",
            request=request,
            responses={
                201: serializer,
                400: invalid_add,
                401: UNAUTHENTICATED,
                429: THROTTLED,
            },
            examples=[add, added],
        ),
        destroy=extend_schema(
            summary=f"Remove {texts.noun}",
            responses={
                204: OpenApiResponse(description="Removed; no body."),
                401: UNAUTHENTICATED,
                404: detail_response(texts.not_found, **{"Not found": NOT_FOUND}),
            },
        ),
    )

    def decorate(viewset: type[UserMovieListViewSet]) -> type[UserMovieListViewSet]:
        decorated: type[UserMovieListViewSet] = extend_schema(tags=[tag])(views(viewset))
        return decorated

    return decorate
