import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ReadOnlyModelViewSet

from catalog import cache as cache_keys
from catalog import selectors, services
from catalog.conf import catalog_settings
from catalog.filters import MovieFilter
from catalog.models import Movie
from catalog.serializers import GenreSerializer, MovieDetailSerializer, MovieListSerializer
from core.api.pagination import DeferredJoinPageNumberPagination
from tmdb.client import TMDBClient
from tmdb.conf import is_configured
from tmdb.exceptions import TMDBError

logger = logging.getLogger(__name__)

POSTER = "https://image.tmdb.org/t/p/w500/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg"
MOVIE_ITEM_EXAMPLE = {
    "id": 1,
    "title": "Toy Story",
    "release_date": "1995-10-30",
    "description": "Led by Woody, Andy's toys live happily in his room until...",
    "poster_path": POSTER,
}
MOVIE_DETAIL_EXAMPLE = {
    **MOVIE_ITEM_EXAMPLE,
    "genres": [{"id": 16, "name": "Animation"}, {"id": 35, "name": "Comedy"}],
    "runtime": 81,
    "vote_average": 7.97,
    "vote_count": 18000,
    "overview": MOVIE_ITEM_EXAMPLE["description"],
    "backdrop_path": "https://image.tmdb.org/t/p/w1280/3Rfvhy1Nl6sSGJwyjb0QiZzZYlB.jpg",
    "tmdb_id": 862,
    "release_year": 1995,
}
_invalid_page = OpenApiResponse(
    description="Invalid page, page size or filter value.",
    examples=[OpenApiExample("Invalid page", value={"detail": "Invalid page."})],
)
_not_found = OpenApiResponse(
    description="Movie does not exist.",
    examples=[OpenApiExample("Not found", value={"detail": "Not found."})],
)


def _query_pairs(request: Request) -> list[tuple[str, str]]:
    return [(k, v) for k, values in request.query_params.lists() for v in values]


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    version, data = cache_keys.cached_get(key)
    if data is None:
        data = compute()
        cache_keys.cached_set(key, version, data, timeout=catalog_settings.CACHE_TIMEOUT)
    return data


@extend_schema_view(
    list=extend_schema(
        tags=["movies"],
        summary="List movies",
        responses={200: MovieListSerializer(many=True), 400: _invalid_page},
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 9733,
                    "next": "http://127.0.0.1:8000/api/movies/?page=2",
                    "previous": None,
                    "results": [MOVIE_ITEM_EXAMPLE],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    ),
    retrieve=extend_schema(
        tags=["movies"],
        summary="Get movie details",
        responses={200: MovieDetailSerializer, 404: _not_found},
        examples=[
            OpenApiExample(
                "A movie", value=MOVIE_DETAIL_EXAMPLE, response_only=True, status_codes=["200"]
            )
        ],
    ),
)
class MovieViewSet(ReadOnlyModelViewSet):
    """The movie catalog: public, cached, filtered with django-filter."""

    permission_classes = [AllowAny]
    filterset_class = MovieFilter
    pagination_class = DeferredJoinPageNumberPagination
    queryset = Movie.objects.none()  # for the schema; get_queryset does the reading

    def get_queryset(self):
        return selectors.movie_list().with_cached_count()

    def get_serializer_class(self):
        return MovieDetailSerializer if self.action == "retrieve" else MovieListSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        key = cache_keys.movie_list_key(
            base_url=request.build_absolute_uri("/"), params=_query_pairs(request)
        )
        return Response(_cached(key, lambda: super(MovieViewSet, self).list(request).data))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            movie_id = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        key = cache_keys.movie_detail_key(movie_id)
        version, data = cache_keys.cached_get(key)
        if data is None:
            movie = selectors.movie_detail(movie_id=movie_id)
            if movie.details_synced_at is None and not movie.tmdb_missing_at and is_configured():
                movie = self._with_tmdb_details(movie)
            complete = bool(movie.details_synced_at or movie.tmdb_missing_at) or not is_configured()
            data = MovieDetailSerializer(movie).data
            # Incomplete (TMDB failed): keep it only until TMDB may be asked again.
            timeout = "CACHE_TIMEOUT" if complete else "DETAILS_RETRY_AFTER"
            cache_keys.cached_set(key, version, data, timeout=getattr(catalog_settings, timeout))
        return Response(data)

    @staticmethod
    def _with_tmdb_details(movie: Movie) -> Movie:
        """Fetch the missing details once and store them; if TMDB fails, keep what is stored."""
        failed_key = cache_keys.details_failed_key(movie.pk)
        if cache.get(failed_key):
            return movie
        try:
            # A visitor is waiting: one try, not the batch sync's patient retries.
            with TMDBClient.from_settings(max_retries=0) as client:
                return services.movie_details_refresh(movie=movie, client=client)
        except TMDBError as exc:
            logger.warning("TMDB details for movie %s unavailable: %s", movie.pk, exc)
            cache.set(failed_key, True, timeout=catalog_settings.DETAILS_RETRY_AFTER)
            return movie


class GenreListView(ListAPIView):
    """Every genre (TMDB's ids and names), not paginated."""

    permission_classes = [AllowAny]
    serializer_class = GenreSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        tags=["movies"],
        examples=[
            OpenApiExample(
                "Genres",
                value=[{"id": 28, "name": "Action"}, {"id": 12, "name": "Adventure"}],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return Response(
            _cached(
                cache_keys.genre_list_key(),
                lambda: GenreSerializer(selectors.genre_list(), many=True).data,
            )
        )
