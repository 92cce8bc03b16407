from typing import TYPE_CHECKING, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import THROTTLED, UNAUTHENTICATED
from core.api.user_lists import UserListView, UserMovieDeleteView, list_schema
from ratings import schema, selectors, services
from ratings.cache import RATING_LISTS
from ratings.models import Rating
from ratings.serializers import RatingSerializer, RatingSetSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


@extend_schema_view(
    delete=extend_schema(
        tags=["ratings"],
        summary="Remove your rating of a movie",
        responses={
            204: OpenApiResponse(description="Removed; no body."),
            401: UNAUTHENTICATED,
            404: schema.RATING_NOT_FOUND,
            429: THROTTLED,
        },
    )
)
class MovieRatingView(UserMovieDeleteView, GenericAPIView):
    """Your rating of one movie: set (PUT, creating or replacing it) or remove (DELETE)."""

    serializer_class = RatingSerializer
    throttle_scope = "ratings_write"
    filter_backends: list = []

    def get_object(self) -> Rating:
        """The user's rating of the movie, or a 404 (DRF's OPTIONS asks for it to describe PUT)."""
        return get_object_or_404(Rating, user=self.request.user, movie__pk=self.kwargs["movie_id"])

    @extend_schema(
        tags=["ratings"],
        summary="Rate a movie",
        request=RatingSetSerializer,
        responses={
            200: OpenApiResponse(RatingSerializer, description="Your rating, replaced."),
            201: OpenApiResponse(RatingSerializer, description="Your rating, new."),
            400: schema.INVALID_VALUE_RESPONSE,
            401: UNAUTHENTICATED,
            404: schema.MOVIE_NOT_FOUND,
            429: THROTTLED,
        },
        examples=[schema.SET_REQUEST, schema.SET],
    )
    def put(self, request: Request, movie_id: int) -> Response:
        body = RatingSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rating, created = services.rating_set(
            user=cast("_User", request.user),
            movie_id=movie_id,
            value=body.validated_data["value"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(RatingSerializer(rating).data, status=code)

    def delete_movie(self, *, user, movie_id: int) -> None:
        services.rating_remove(user=user, movie_id=movie_id)


@extend_schema(tags=["ratings"])
@extend_schema_view(
    get=list_schema(
        summary="List your ratings", serializer=RatingSerializer, example=schema.RATING_EXAMPLE
    )
)
class RatingListView(UserListView):
    """The movies you rated, latest first, with your rating. Cached per user and page."""

    serializer_class = RatingSerializer
    queryset = Rating.objects.none()  # for the schema; get_queryset does the reading
    list_cache = RATING_LISTS

    def get_queryset(self):
        return selectors.rating_list(user_id=self.user_id)
