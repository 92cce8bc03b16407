from typing import TYPE_CHECKING, Any, cast

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request

from catalog.selectors import movie_exists
from core.api import http_cache
from core.api.pagination import (
    StrictPageNumberPagination,
    cached_page_response,
    canonical_url,
    read_with_user,
)
from core.api.schema import THROTTLED, UNAUTHENTICATED
from core.api.throttling import (
    AccountRateThrottle,
    AnonymousRateThrottle,
    UncachedReadThrottles,
)
from core.api.user_lists import UserListView, UserMovieDeleteView, list_schema
from recommendations import schema, selectors, services
from recommendations.cache import HIDDEN, RecommendationPages, similar_page_key, similar_read
from recommendations.conf import recommendations_settings
from recommendations.models import HiddenMovie
from recommendations.selectors import Pick
from recommendations.serializers import HiddenMovieSerializer, RecommendationSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it


class _PicksView(GenericAPIView):
    serializer_class = RecommendationSerializer  # the schema; items come from the catalog
    filter_backends: list = []
    reason = "Because you liked {title}"

    @property
    def pagination(self) -> StrictPageNumberPagination:
        return cast(StrictPageNumberPagination, self.paginator)  # the default class

    def paginated(self, picks: list[Pick]) -> dict[str, Any]:
        """The requested page of ``picks`` as the paginated body; raises the 400 of an
        invalid page."""
        # DRF pages any sequence (the stubs want a QuerySet); pagination is always on here.
        page = cast(list[Pick], self.paginate_queryset(picks))  # type: ignore[arg-type]
        return self.get_paginated_response(selectors.hydrate(page, reason=self.reason)).data


class RecommendationListView(UncachedReadThrottles, _PicksView):
    """Movies picked for you from everyone's favorites: movies often favorited together with
    yours (and similar in genre and era), never one you already have. With no favorites yet,
    popular movies, labelled as such."""

    permission_classes = [IsAuthenticated]
    # Pages the cache does not answer (computed from your signals): per account.
    uncached_throttle_classes = [AccountRateThrottle]

    def perform_authentication(self, request: Request) -> None:
        """DRF's; the page is read with the user (``read_with_user``)."""
        read_with_user(request, self.pagination, RecommendationPages)
        super().perform_authentication(request)

    @extend_schema(
        tags=["recommendations"],
        summary="Your recommendations",
        responses={
            200: RecommendationSerializer(many=True),
            400: schema.INVALID_PAGE_RESPONSE,
            401: UNAUTHENTICATED,
        },
        examples=[schema.PERSONAL, schema.COLD_START],
    )
    def get(self, request: Request) -> HttpResponse:
        user = cast("_User", request.user)  # IsAuthenticated: never the AnonymousUser
        pages = RecommendationPages(user_id=user.pk)

        def compute() -> dict[str, Any]:
            build_id = pages.build_id  # read with the page
            return self.paginated(
                pages.picks(lambda: selectors.recommendation_list(user=user, build_id=build_id))
            )

        return cached_page_response(
            request, self.pagination, pages, compute, on_miss=self.check_uncached_throttles
        )


PAGING = {
    StrictPageNumberPagination.page_query_param,
    StrictPageNumberPagination.page_size_query_param,
}


class SimilarMovieListView(UncachedReadThrottles, _PicksView):
    """The movies most similar to this one, by everyone's favorites, genres and era."""

    permission_classes = [AllowAny]
    # Pages the cache does not answer: per address or account.
    uncached_throttle_classes = [AnonymousRateThrottle, AccountRateThrottle]
    reason = "Similar to {title}"

    @extend_schema(
        tags=["movies"],
        summary="Similar movies",
        responses={
            200: RecommendationSerializer(many=True),
            400: schema.INVALID_PAGE_RESPONSE,
            404: schema.MOVIE_NOT_FOUND,
        },
        examples=[schema.SIMILAR],
    )
    def get(self, request: Request, movie_id: int) -> HttpResponse:
        def compute() -> tuple[dict[str, Any], float]:
            if not movie_exists(movie_id=movie_id):
                raise NotFound()
            page = self.paginated(selectors.similar_picks(movie_id=movie_id))
            return page, recommendations_settings.CACHE_TIMEOUT

        # Only the paging parameters: others share the entry, whose links are built from
        # this URL, not from the request that filled it.
        url = canonical_url(request, PAGING)
        self.pagination.links_url = url
        key = similar_page_key(url)
        return http_cache.cached_json_response(
            request, similar_read, key, compute, on_miss=self.check_uncached_throttles
        )


@extend_schema_view(
    delete=extend_schema(
        tags=["recommendations"],
        summary="Hide a movie from your recommendations",
        responses={
            204: schema.HIDE_DONE,
            400: schema.TOO_MANY_HIDDEN,
            401: UNAUTHENTICATED,
            404: schema.MOVIE_NOT_FOUND,
            429: THROTTLED,
        },
    )
)
class HideMovieView(UserMovieDeleteView):
    """Not interested: never recommend this movie to you, until you restore it. Similar movies
    stay the same for everyone (they are a movie's, publicly cached). Idempotent: hiding a
    hidden movie changes nothing."""

    throttle_scope = "recommendations_write"

    def delete_movie(self, *, user, movie_id: int) -> None:
        services.movie_hide(user=user, movie_id=movie_id)


@extend_schema(tags=["recommendations"])
@extend_schema_view(
    get=list_schema(
        summary="Your hidden movies", serializer=HiddenMovieSerializer, example=schema.HIDDEN_ROW
    )
)
class HiddenMovieListView(UserListView):
    """The movies you hid from your recommendations, latest first. Cached per user and page."""

    serializer_class = HiddenMovieSerializer
    queryset = HiddenMovie.objects.none()  # for the schema; get_queryset does the reading
    list_cache = HIDDEN

    def get_queryset(self):
        return selectors.hidden_list(user_id=self.user_id)


@extend_schema_view(
    delete=extend_schema(
        tags=["recommendations"],
        summary="Restore a hidden movie",
        responses={
            204: schema.RESTORE_DONE,
            401: UNAUTHENTICATED,
            404: schema.NOT_HIDDEN,
            429: THROTTLED,
        },
    )
)
class RestoreMovieView(UserMovieDeleteView):
    """Show a movie you hid in your recommendations again."""

    throttle_scope = "recommendations_write"

    def delete_movie(self, *, user, movie_id: int) -> None:
        services.movie_restore(user=user, movie_id=movie_id)
