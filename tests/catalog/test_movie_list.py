import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Movie
from tests.catalog.factories import GenreFactory, MovieFactory

URL = reverse("catalog:movie-list")
INVALID_PAGE = {"detail": "Invalid page."}

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_list_has_the_spec_page_shape(api_client, settings):
    movie = MovieFactory(
        title="Toy Story", overview="Toys.", release_date=datetime.date(1995, 10, 30),
        poster_path="/toy.jpg",
    )  # fmt: skip

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": movie.id,
                "title": "Toy Story",
                "release_date": "1995-10-30",
                "description": "Toys.",
                "poster_path": "https://image.tmdb.org/t/p/w500/toy.jpg",
            }
        ],
    }


def test_list_poster_is_null_without_image(api_client):
    MovieFactory(poster_path="")

    assert api_client.get(URL).json()["results"][0]["poster_path"] is None


def test_list_pages_of_20_with_links(api_client):
    MovieFactory.create_batch(45)

    first = api_client.get(URL).json()
    third = api_client.get(URL, {"page": 3}).json()

    assert first["count"] == 45
    assert len(first["results"]) == 20
    assert first["next"].endswith("/api/movies/?page=2")
    assert first["previous"] is None
    assert len(third["results"]) == 5
    assert third["next"] is None


def test_list_page_size_is_at_most_100(api_client):
    MovieFactory.create_batch(105)

    assert len(api_client.get(URL, {"page_size": 7}).json()["results"]) == 7
    assert len(api_client.get(URL, {"page_size": 100}).json()["results"]) == 100
    too_many = api_client.get(URL, {"page_size": 500})
    assert too_many.status_code == 400
    assert list(too_many.json()) == ["page_size"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "3", "99999999999999999999"])
def test_list_invalid_page_is_400(api_client, page):
    MovieFactory.create_batch(21)

    response = api_client.get(URL, {"page": page})

    assert response.status_code == 400
    assert response.json() == INVALID_PAGE


def test_list_empty_catalog_first_page_is_empty(api_client):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert api_client.get(URL, {"page": 2}).status_code == 400


def test_list_filters_by_genre_id_or_name(api_client):
    action, comedy = GenreFactory(id=28, name="Action"), GenreFactory(id=35, name="Comedy")
    drama = GenreFactory(id=18, name="Drama")
    a = MovieFactory(genres=[action])
    c = MovieFactory(genres=[comedy, action])
    MovieFactory(genres=[drama])

    assert sorted(ids(api_client.get(URL, {"genre": "28"}))) == [a.id, c.id]
    assert ids(api_client.get(URL, {"genre": "comedy"})) == [c.id]
    both = api_client.get(URL, {"genre": "Comedy,28", "ordering": "title"})
    assert sorted(ids(both)) == [a.id, c.id]  # any of them, each movie once


def test_list_filters_by_year_date_range_and_vote(api_client):
    old = MovieFactory(release_date=datetime.date(1980, 5, 1), vote_average=8.0)
    MovieFactory(release_date=datetime.date(2001, 1, 1), vote_average=9.0)
    MovieFactory(release_date=datetime.date(1980, 6, 1), vote_average=5.0)

    assert ids(api_client.get(URL, {"year": 1980, "min_vote_average": 7})) == [old.id]
    window = {"release_date_after": "1980-04-01", "release_date_before": "1980-05-31"}
    assert ids(api_client.get(URL, window)) == [old.id]


def test_list_search_matches_words_in_title(api_client):
    hit = MovieFactory(title="The Lord of the Rings")
    MovieFactory(title="Lord Jim")

    assert ids(api_client.get(URL, {"search": "rings LORD"})) == [hit.id]


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"min_vote_average": "11"}, {"ordering": "budget"},
     {"release_date_after": "yesterday"}],
)  # fmt: skip
def test_list_bad_filter_values_are_400(api_client, params):
    response = api_client.get(URL, params)

    assert response.status_code == 400
    assert set(response.json()) <= {*params, "release_date"}


@pytest.mark.parametrize(
    ("ordering", "key", "reverse"),
    [
        ("-popularity", "popularity", True),
        ("popularity", "popularity", False),
        ("title", "title", False),
        ("-release_date", "release_date", True),
        ("-vote_average", "vote_average", True),
    ],
)
def test_list_ordering_is_stable_with_id_tie_break(api_client, ordering, key, reverse):
    MovieFactory.create_batch(30, popularity=5.0, vote_average=7.0)  # ties everywhere
    MovieFactory.create_batch(10)
    MovieFactory.create_batch(5, popularity=None, vote_average=None, release_date=None)

    seen = []
    for page in (1, 2, 3):
        seen += ids(api_client.get(URL, {"ordering": ordering, "page": page, "page_size": 20}))

    assert sorted(seen) == sorted(Movie.objects.values_list("id", flat=True))  # no overlap/skip
    movies = {m.id: m for m in Movie.objects.all()}
    values = [getattr(movies[i], key) for i in seen]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=reverse)
    assert values[len(present) :] == [None] * (len(values) - len(present))  # NULLs last
    for a, b in itertools.pairwise(seen):
        if getattr(movies[a], key) == getattr(movies[b], key):
            assert a < b


def test_list_default_order_is_popularity_desc(api_client):
    low, high = MovieFactory(popularity=1.0), MovieFactory(popularity=99.0)
    unknown = MovieFactory(popularity=None)

    assert ids(api_client.get(URL)) == [high.id, low.id, unknown.id]


def test_list_query_count_is_constant(api_client, django_assert_num_queries):
    genres = GenreFactory.create_batch(4)
    MovieFactory.create_batch(100, genres=genres)

    with django_assert_num_queries(2):  # count + page
        response = api_client.get(URL, {"page_size": 100, "genre": str(genres[0].id)})

    assert len(response.json()["results"]) == 100


def test_list_count_is_shared_across_pages(api_client):
    MovieFactory.create_batch(50)
    api_client.get(URL, {"page": 1, "ordering": "title"})

    with CaptureQueriesContext(connection) as queries:
        api_client.get(URL, {"page": 2, "ordering": "title"})

    assert len(queries) == 1  # the page; the count came from the cache
    assert "COUNT" not in queries[0]["sql"].upper()


def test_genres_list(api_client):
    GenreFactory(id=28, name="Action")
    GenreFactory(id=12, name="Adventure")

    response = api_client.get(reverse("catalog:genre-list"))

    assert response.json() == [{"id": 28, "name": "Action"}, {"id": 12, "name": "Adventure"}]


def test_list_items_from_projections_are_the_serializers(api_client, db):
    import datetime

    from catalog.models import Movie
    from catalog.serializers import MovieListSerializer

    MovieFactory(title="Amélie", release_date=None, poster_path="", overview="")
    MovieFactory(release_date=datetime.date(1999, 12, 31), poster_path="/p.jpg")

    body = api_client.get(URL, {"ordering": "title"}).json()

    movies = Movie.objects.order_by("title")
    assert body["results"] == MovieListSerializer(movies, many=True).data


def test_list_items_by_id_are_the_serializers_and_leave_out_adult_and_unknown_ids(db):
    import datetime

    from catalog.items import movie_list_items
    from catalog.serializers import MovieListSerializer

    shown = [
        MovieFactory(title="Amélie", release_date=None, poster_path="", overview=""),
        MovieFactory(release_date=datetime.date(1999, 12, 31), poster_path="/p.jpg"),
    ]
    adult = MovieFactory(adult=True)

    items = movie_list_items(movie_ids=[movie.pk for movie in shown] + [adult.pk, 999_999])

    serialized = MovieListSerializer(shown, many=True).data
    assert items == {movie.pk: dict(item) for movie, item in zip(shown, serialized, strict=True)}
