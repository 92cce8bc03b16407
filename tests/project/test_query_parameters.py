"""Every integer the API reads is ASCII digits within range, else a 400; a malformed value of a
known parameter is refused, an unknown parameter is ignored (and shares the cached entry)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog.factories import GenreFactory, MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory

pytestmark = pytest.mark.django_db

MOVIES = reverse("catalog:movie-list")
FAVORITES = reverse("favorites:favorite-movie-list")
RECOMMENDATIONS = reverse("recommendations:recommendation-list")
# Superscript two, Arabic-Indic three, 1995 in Arabic-Indic digits, fullwidth one, and ASCII
# that is not an integer.
NOT_ASCII = [
    "\u00b2",
    "\u0663",
    "\u0661\u0669\u0669\u0665",
    "\uff11",
    "1.0",
    "1e2",
    " 1",
    "1 ",
    "+1",
    "0x10",
]
# More digits than Python's int() reads from a string (sys.get_int_max_str_digits(), 4300).
MANY_DIGITS = "9" * 4301


@pytest.fixture
def catalog(db):
    genre = GenreFactory(id=28, name="Action")
    return MovieFactory.create_batch(3, genres=[genre], release_year=1995)


@pytest.mark.parametrize("value", [*NOT_ASCII, MANY_DIGITS])
@pytest.mark.parametrize("url", [MOVIES, FAVORITES, RECOMMENDATIONS])
def test_a_page_that_is_not_ascii_digits_is_the_specs_400(user, catalog, url, value):
    response = client_for(user).get(url, {"page": value})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    "value", [*NOT_ASCII, "abc", "0", "-1", "null", "", "101", "9" * 30, MANY_DIGITS]
)
@pytest.mark.parametrize("url", [MOVIES, FAVORITES, RECOMMENDATIONS])
def test_a_bad_page_size_is_a_400_on_the_parameter(user, catalog, url, value):
    response = client_for(user).get(url, {"page_size": value})

    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("value", [*NOT_ASCII, "1799", "2201", MANY_DIGITS])
def test_a_year_that_is_not_a_plain_integer_in_range_is_400(api_client, catalog, value):
    response = api_client.get(MOVIES, {"year": value})

    assert response.status_code == 400
    assert list(response.json()) == ["year"]


def test_a_plain_year_filters(api_client, catalog):
    assert api_client.get(MOVIES, {"year": "1995"}).json()["count"] == 3
    assert api_client.get(MOVIES, {"year": "1996"}).json()["count"] == 0


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "28.0", "9" * 40])
def test_a_genre_that_is_not_a_plain_id_is_matched_as_a_name(api_client, catalog, value):
    response = api_client.get(MOVIES, {"genre": value})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_empty_ordering_is_400(api_client, catalog):
    response = api_client.get(MOVIES, {"ordering": ""})

    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]


@pytest.mark.parametrize(
    "value", [1.0, 1e2, "1 ", "\u0661", True, None, [1], {"id": 1}, "1.0", MANY_DIGITS]
)
def test_a_movie_id_that_is_not_an_integer_is_400_and_stores_nothing(auth_client, user, value):
    MovieFactory(id=1)
    MovieFactory(id=100)

    response = auth_client.post(FAVORITES, {"movie_id": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["movie_id"]
    assert not user.favorites.exists()


def test_a_movie_id_as_a_string_of_digits_is_accepted(auth_client, user):
    movie = MovieFactory()

    response = auth_client.post(FAVORITES, {"movie_id": str(movie.id)}, format="json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    "path",
    [
        "/api/movies/\u0663/",
        "/api/movies/1.0/",
        "/api/favorite-movies/\u0663/",
        f"/api/movies/{MANY_DIGITS}/",
        f"/api/favorite-movies/{MANY_DIGITS}/",
    ],
)
def test_path_ids_that_are_not_ascii_digits_are_404(auth_client, user, path):
    FavoriteMovieFactory(user=user, movie=MovieFactory(id=3))

    method = auth_client.delete if "favorite" in path else auth_client.get
    response = method(path)

    assert response.status_code == 404
    assert user.favorites.count() == 1


def test_unknown_parameters_are_ignored_and_share_the_cached_page(api_client, catalog):
    first = api_client.get(MOVIES, {"page_size": 2}).json()

    with CaptureQueriesContext(connection) as queries:
        again = api_client.get(MOVIES, {"page_size": 2, "utm_source": "x", "fbclid": "y"})

    assert again.status_code == 200
    assert len(queries) == 0  # the same entry: unknown parameters cannot bypass the cache
    assert again.json()["results"] == first["results"]


# No 5xx, whatever the query string --------------------------------------------------------------

PARAMETERS = ["page", "page_size", "genre", "year", "release_date_after", "release_date_before",
              "min_vote_average", "search", "ordering", "utm_source"]  # fmt: skip
values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=4301, max_value=4310).map(lambda n: "9" * n),  # past int()'s limit
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["last", "", "0", "-popularity", "title", "1995-10-30", "9999-99-99"]),
)
queries = st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=5)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries, url=st.sampled_from([MOVIES, FAVORITES, RECOMMENDATIONS]))
def test_no_query_string_makes_a_list_endpoint_fail(user, catalog, query, url):
    response = client_for(user).get(url, query)

    assert response.status_code < 500, (url, query, response.content[:300])
    assert response["Content-Type"] == "application/json"
