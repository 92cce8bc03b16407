from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.selectors import movie_exists
from core.api.pagination import page_with_links
from recommendations import cache, selectors
from recommendations.serializers import RecommendationSerializer

ITEM = {
    "id": 2,
    "title": "Heat",
    "release_date": "1995-12-15",
    "description": "Obsessive master thief Neil McCauley leads a top-notch crew...",
    "poster_path": "https://image.tmdb.org/t/p/w500/umSVjVdbVwtx5ryCA2QXL44Durm.jpg",
    "score": 0.8123,
    "reason": "Because you liked The Godfather",
}
_invalid_page = OpenApiResponse(
    description="Invalid page.",
    examples=[OpenApiExample("Invalid page", value={"detail": "Invalid page."})],
)


def _page_example(name: str, item: dict) -> OpenApiExample:
    return OpenApiExample(
        name,
        value={"count": 1, "next": None, "previous": None, "results": [item]},
        response_only=True,
        status_codes=["200"],
    )


class _PicksView(GenericAPIView):
    serializer_class = RecommendationSerializer
    filter_backends: list = []
    reason = "Because you liked {title}"

    def serialized_page(self, picks: list) -> list:
        """The requested page of ``picks`` as movies; raises the 400 of an invalid page."""
        page = self.paginate_queryset(picks)
        movies = selectors.hydrate(page, reason=self.reason)
        return self.get_serializer(movies, many=True).data

    def respond(self, request: Request, picks: list) -> Response:
        return self.get_paginated_response(self.serialized_page(picks))


class RecommendationListView(_PicksView):
    """Movies picked for you from everyone's favorites: movies often favorited together with
    yours (and similar in genre and era), never one you already have. With no favorites yet,
    popular movies, labelled as such."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["recommendations"],
        summary="Your recommendations",
        responses={
            200: RecommendationSerializer(many=True),
            400: _invalid_page,
            401: OpenApiResponse(description="Missing or invalid token."),
        },
        examples=[
            _page_example("Personal", ITEM),
            _page_example("Cold start", {**ITEM, "score": 0.99, "reason": "Popular on TMDB"}),
        ],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        number = request.query_params.get("page", "1")
        size = request.query_params.get("page_size")
        cacheable = number.isdigit() and (size is None or size.isdigit())  # not "last", "abc"
        page_size = self.paginator.get_page_size(request)
        read = cache.read_page(
            user_id=user.pk,
            page=int(number) if cacheable else None,
            page_size=page_size if size else None,
        )
        data = read.page
        if data is None:
            picks = cache.cached_picks(
                read,
                compute=lambda: selectors.recommendation_list(user=user, build_id=read.build_id),
            )
            results = self.serialized_page(picks)
            if not cacheable:
                return self.get_paginated_response(results)
            data = {"count": len(picks), "results": results}
            cache.store_page(read, data)
        return Response(page_with_links(request, data, int(number), page_size))


class SimilarMovieListView(_PicksView):
    """The movies most similar to this one, by everyone's favorites, genres and era."""

    permission_classes = [AllowAny]
    reason = "Similar to {title}"

    @extend_schema(
        tags=["movies"],
        summary="Similar movies",
        responses={
            200: RecommendationSerializer(many=True),
            400: _invalid_page,
            404: OpenApiResponse(
                description="Movie does not exist.",
                examples=[OpenApiExample("Not found", value={"detail": "Not found."})],
            ),
        },
        examples=[_page_example("Similar", {**ITEM, "reason": "Similar to The Godfather"})],
    )
    def get(self, request: Request, movie_id: int) -> Response:
        if not movie_exists(movie_id=movie_id):
            raise NotFound()
        return self.respond(request, selectors.similar_picks(movie_id=movie_id))
