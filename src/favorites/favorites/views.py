from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.pagination import page_with_links
from favorites import cache, selectors, services
from favorites.models import FavoriteMovie
from favorites.serializers import FavoriteMovieCreateSerializer, FavoriteMovieSerializer

FAVORITE_EXAMPLE = {
    "id": 7,
    "movie": {
        "id": 1,
        "title": "Toy Story",
        "release_date": "1995-10-30",
        "description": "Led by Woody, Andy's toys live happily in his room until...",
        "poster_path": "https://image.tmdb.org/t/p/w500/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg",
    },
    "added_at": "2026-11-25T10:30:00Z",
}
_unauthenticated = OpenApiResponse(
    description="Missing or invalid token.",
    examples=[
        OpenApiExample(
            "No token", value={"detail": "Authentication credentials were not provided."}
        )
    ],
)
_not_found = OpenApiResponse(
    description="No such favorite of yours.",
    examples=[OpenApiExample("Not found", value={"detail": "Not found."})],
)


@extend_schema_view(
    list=extend_schema(
        summary="List favorite movies",
        responses={
            200: FavoriteMovieSerializer(many=True),
            400: OpenApiResponse(
                description="Invalid page.",
                examples=[OpenApiExample("Invalid page", value={"detail": "Invalid page."})],
            ),
            401: _unauthenticated,
        },
        examples=[
            OpenApiExample(
                "A page",
                value={"count": 1, "next": None, "previous": None, "results": [FAVORITE_EXAMPLE]},
                response_only=True,
                status_codes=["200"],
            )
        ],
    ),
    create=extend_schema(
        summary="Add favorite movie",
        request=FavoriteMovieCreateSerializer,
        responses={
            201: FavoriteMovieSerializer,
            400: OpenApiResponse(
                description="Movie already in favorites, or invalid movie id.",
                examples=[
                    OpenApiExample(
                        "Already there",
                        value={"non_field_errors": ["This movie is already in your favorites."]},
                    ),
                    OpenApiExample(
                        "Unknown movie",
                        value={"movie_id": ['Invalid pk "999999" - object does not exist.']},
                    ),
                ],
            ),
            401: _unauthenticated,
            429: OpenApiResponse(description="Too many writes; see Retry-After."),
        },
        examples=[
            OpenApiExample("Add", value={"movie_id": 1}, request_only=True),
            OpenApiExample(
                "Added", value=FAVORITE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    ),
    destroy=extend_schema(
        summary="Remove favorite movie",
        responses={
            204: OpenApiResponse(description="Removed; no body."),
            401: _unauthenticated,
            404: _not_found,
        },
    ),
)
@extend_schema(tags=["favorites"])
class FavoriteMovieViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The authenticated user's favorite movies. The list is cached per user and page."""

    permission_classes = [IsAuthenticated]
    serializer_class = FavoriteMovieSerializer
    queryset = FavoriteMovie.objects.none()  # for the schema; get_queryset does the reading
    filter_backends: list = []

    @property
    def throttle_scope(self) -> str | None:
        """Only writes are throttled (DRF's scoped throttle passes a view without a scope)."""
        return None if self.request.method in ("GET", "HEAD", "OPTIONS") else "favorites_write"

    def get_queryset(self):
        return selectors.favorite_list(user_id=self.request.user.pk)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = request.query_params.get("page", "1")
        size = request.query_params.get("page_size")
        if not (page.isdigit() and (size is None or size.isdigit())):
            return super().list(request, *args, **kwargs)  # "last", or answered 400
        page_size = self.paginator.get_page_size(request)
        key = cache.page_key(
            user_id=request.user.pk, page=int(page), page_size=page_size if size else None
        )
        version, data = cache.get_page(user_id=request.user.pk, key=key)
        if version is None:  # the cache is down
            return super().list(request, *args, **kwargs)
        if data is None:
            full = super().list(request, *args, **kwargs).data
            data = {"count": full["count"], "results": full["results"]}
            cache.set_page(key, version, data)
        return Response(page_with_links(request, data, int(page), page_size))

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = FavoriteMovieCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        favorite = services.favorite_add(
            user=request.user, movie_id=serializer.validated_data["movie_id"]
        )
        return Response(FavoriteMovieSerializer(favorite).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        try:
            favorite_id = int(kwargs["pk"])
        except ValueError:
            favorite_id = 0
        services.favorite_remove(user=request.user, favorite_id=favorite_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
