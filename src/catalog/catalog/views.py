from typing import Any, cast

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.viewsets import ReadOnlyModelViewSet

from catalog import cache, items, schema, selectors, services
from catalog.conf import catalog_settings
from catalog.filters import QUERY_PARAMETERS, MovieFilter
from catalog.models import Movie
from catalog.serializers import (
    GenreSerializer,
    MovieDetailSerializer,
    MovieListSerializer,
    detail_extras_example,
    movie_detail_data,
    movie_detail_schema,
)
from core import versioned_cache
from core.api import http_cache
from core.api.integers import plain_int
from core.api.pagination import CachedCountPagination, CountCache, canonical_url
from core.api.throttling import (
    AccountRateThrottle,
    AnonymousRateThrottle,
    UncachedReadThrottles,
)


class MoviePagination(CachedCountPagination):
    count_cache = CountCache(
        namespaces=[cache.CATALOG],
        key_prefix=cache.COUNT_KEY_PREFIX,
        timeout=lambda: catalog_settings.CACHE_TIMEOUT,
    )


LIST_PARAMETERS = QUERY_PARAMETERS | {
    MoviePagination.page_query_param,
    MoviePagination.page_size_query_param,
}


@extend_schema_view(
    list=extend_schema(
        tags=["movies"],
        summary="List movies",
        responses={200: MovieListSerializer(many=True), 400: schema.INVALID_LIST_QUERY},
        examples=[schema.MOVIE_PAGE],
    ),
    retrieve=extend_schema(
        tags=["movies"],
        summary="Get movie details",
        responses={200: movie_detail_schema(), 404: schema.MOVIE_NOT_FOUND},
        examples=[schema.movie_detail(detail_extras_example())],
    ),
)
class MovieViewSet(UncachedReadThrottles, ReadOnlyModelViewSet):
    """The movie catalog: public, and the same for everyone."""

    permission_classes = [AllowAny]
    # Reads the cache does not answer (searches, deep pages, details): per address or account.
    uncached_throttle_classes = [AnonymousRateThrottle, AccountRateThrottle]
    filterset_class = MovieFilter
    pagination_class = MoviePagination
    queryset = Movie.objects.none()  # for the schema; get_queryset does the reading

    def get_queryset(self):
        return selectors.movie_list()

    def get_serializer_class(self):
        return MovieDetailSerializer if self.action == "retrieve" else MovieListSerializer

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]  # DRF passes it through
        # Only the parameters the list reads: others (utm_*, a random one) share the entry,
        # whose links are built from that URL, not from the request that filled it.
        url = canonical_url(request, LIST_PARAMETERS)
        cast(MoviePagination, self.paginator).links_url = url
        key = cache.movie_list_key(url)

        def compute() -> tuple[Any, float]:
            queryset = self.filter_queryset(self.get_queryset()).values(*items.LIST_ITEM_FIELDS)
            page = self.paginate_queryset(queryset) or []  # always paginated; raises the 400s
            body = self.get_paginated_response([items.list_item(row) for row in page]).data
            return body, catalog_settings.CACHE_TIMEOUT

        return http_cache.cached_json_response(
            request, _catalog_read, key, compute, on_miss=self.check_uncached_throttles
        )

    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]  # DRF passes it through
        movie_id = plain_int(self.kwargs["pk"])
        if movie_id is None:
            raise Movie.DoesNotExist

        def compute() -> tuple[Any, float]:
            detail = services.movie_detail_load(movie_id=movie_id)
            return movie_detail_data(detail.movie), detail.cache_timeout

        def read(keys: list[str]) -> versioned_cache.Snapshot:
            # The movie's own namespace: another app's part of it (an average) changes it alone.
            return versioned_cache.read([cache.CATALOG, cache.movie_namespace(movie_id)], keys)

        key = cache.movie_detail_key(movie_id)
        return http_cache.cached_json_response(
            request, read, key, compute, on_miss=self.check_uncached_throttles
        )


def _catalog_read(keys: list[str]) -> versioned_cache.Snapshot:
    return versioned_cache.read([cache.CATALOG], keys)


class GenreListView(ListAPIView):
    """Every genre (TMDB's ids and names), not paginated."""

    permission_classes = [AllowAny]
    serializer_class = GenreSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(tags=["movies"], summary="List genres", examples=[schema.GENRES])
    def get(self, request: Request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]  # DRF passes it through
        def compute() -> tuple[Any, float]:
            data = GenreSerializer(selectors.genre_list(), many=True).data
            return data, catalog_settings.CACHE_TIMEOUT

        return http_cache.cached_json_response(
            request, _catalog_read, cache.genre_list_key(), compute
        )
