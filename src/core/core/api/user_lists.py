"""The API of a user's list of movies (favorites, the watchlist): list (cached per user and
page), add ``{"movie_id": n}``, remove by id. An app subclasses ``UserMovieListViewSet`` with
its serializers, cache, writes (``core.user_lists.UserMovieList``) and throttle scope, and
declares its schema."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.integers import StrictIntegerField, plain_int
from core.api.pagination import StrictPageNumberPagination, cached_page_response
from core.api.schema import NOT_AUTHENTICATED, NOT_FOUND, detail_response, invalid_list_query
from core.api.serializers import BuiltOnceModelSerializer
from core.user_lists import UserListCache, UserMovieList


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


class UserMovieListViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]  # no GenericViewSet[T] at run time
):
    """The authenticated user's rows; only writes are throttled (``write_scope``)."""

    permission_classes = [IsAuthenticated]  # so request.user is a user
    filter_backends: list[Any] = []
    create_serializer_class: ClassVar[type[serializers.Serializer[Any]]] = MovieIdSerializer
    list_cache: ClassVar[UserListCache]
    user_list: ClassVar[UserMovieList[Any]]  # the writes
    write_scope: ClassVar[str]

    @property
    def throttle_scope(self) -> str | None:
        """DRF's scoped throttle passes a view without a scope: reads are not counted."""
        return None if self.request.method in ("GET", "HEAD", "OPTIONS") else self.write_scope

    @property
    def user_id(self) -> int:
        """The authenticated user's id (``IsAuthenticated``: never the anonymous user's None)."""
        return cast(int, self.request.user.pk)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return cached_page_response(
            request,
            cast(StrictPageNumberPagination, self.paginator),  # the default class
            self.list_cache.pages(self.user_id),
            compute=lambda: super(UserMovieListViewSet, self).list(request).data,
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.create_serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        row = self.user_list.add(user=request.user, movie_id=body.validated_data["movie_id"])
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.user_list.remove(user=request.user, row_id=plain_int(kwargs["pk"]) or 0)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
    unauthenticated = detail_response(
        "Missing or invalid token.", **{"No token": NOT_AUTHENTICATED}
    )
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
    # A list's example is one item: drf-spectacular shows it in a page of its own.
    page = OpenApiExample("A page", value=row, response_only=True, status_codes=["200"])
    add = OpenApiExample("Add", value={"movie_id": 1}, request_only=True)
    added = OpenApiExample("Added", value=row, response_only=True, status_codes=["201"])
    views = extend_schema_view(
        list=extend_schema(
            summary=f"List {texts.noun}s",
            responses={
                200: serializer(many=True),
                400: invalid_list_query("Invalid page or page size."),
                401: unauthenticated,
            },
            examples=[page],
        ),
        create=extend_schema(
            summary=f"Add {texts.noun}",
            request=request,
            responses={
                201: serializer,
                400: invalid_add,
                401: unauthenticated,
                429: OpenApiResponse(description="Too many writes; see Retry-After."),
            },
            examples=[add, added],
        ),
        destroy=extend_schema(
            summary=f"Remove {texts.noun}",
            responses={
                204: OpenApiResponse(description="Removed; no body."),
                401: unauthenticated,
                404: detail_response(texts.not_found, **{"Not found": NOT_FOUND}),
            },
        ),
    )

    def decorate(viewset: type[UserMovieListViewSet]) -> type[UserMovieListViewSet]:
        decorated: type[UserMovieListViewSet] = extend_schema(tags=[tag])(views(viewset))
        return decorated

    return decorate
