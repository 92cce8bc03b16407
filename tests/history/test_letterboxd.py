"""GET /api/me/export/letterboxd.csv: the user's plays and ratings in Letterboxd's import
format, formula injection guarded, private."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from history.letterboxd import rating10
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.history.factories import PlayFactory
from tests.ratings.factories import RatingFactory

URL = reverse("history:letterboxd-export")

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_plays_and_ratings_in_letterboxds_import_format(user):
    heat = MovieFactory(tmdb_id=949, title="Heat", release_year=1995)
    alien = MovieFactory(tmdb_id=348, title="Alien", release_year=1979)
    rated = MovieFactory(tmdb_id=603, title="The Matrix", release_year=1999)
    PlayFactory(user=user, movie=heat, watched_on=datetime.date(2024, 5, 1))
    PlayFactory(user=user, movie=heat, watched_on=datetime.date(2025, 1, 2), rewatch=True)
    PlayFactory(user=user, movie=alien, watched_on=None)
    RatingFactory(user=user, movie=heat, value=Decimal("8.5"))
    RatingFactory(user=user, movie=rated, value=Decimal("7"))
    PlayFactory(movie=rated)  # someone else's
    RatingFactory(movie=alien)

    response = client_for(user).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="letterboxd.csv"'
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}
    assert response.content.endswith(b"\r\n")
    assert rows(response) == [
        ["tmdbID", "Title", "Year", "WatchedDate", "Rating10", "Rewatch"],
        ["348", "Alien", "1979", "", "", "false"],
        ["949", "Heat", "1995", "2024-05-01", "9", "false"],
        ["949", "Heat", "1995", "2025-01-02", "9", "true"],
        ["603", "The Matrix", "1999", "", "7", "false"],
    ]


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://x")', "+1", "-5 Degrees", "@SUM(A1)", "\tTab", "\rCR"]
)
def test_a_title_that_starts_like_a_formula_is_quoted(user, title):
    PlayFactory(user=user, movie=MovieFactory(title=title))

    assert rows(client_for(user).get(URL))[1][1] == f"'{title}"


def test_titles_with_commas_quotes_and_accents_survive(user):
    title = 'Crouching Tiger, "Hidden" Dragon \u2013 臥虎藏龍 (Amélie)'
    PlayFactory(user=user, movie=MovieFactory(title=title, release_year=None))

    assert rows(client_for(user).get(URL))[1][1:3] == [title, ""]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, "1"), (1, "1"), (1.5, "2"), (7, "7"), (8.5, "9"), (9.5, "10"), (10, "10")],
)
def test_rating10_is_whole_halves_rounded_up(value, expected):
    assert rating10(value) == expected


def test_without_the_ratings_setting_it_is_the_plays_alone(user, settings):
    settings.HISTORY = {}
    movie = MovieFactory(tmdb_id=11)
    PlayFactory(user=user, movie=movie)
    RatingFactory(user=user, movie=movie, value=Decimal("9"))
    RatingFactory(user=user)

    assert [row[0] for row in rows(client_for(user).get(URL))] == ["tmdbID", "11"]
    assert rows(client_for(user).get(URL))[1][4] == ""


def test_an_empty_history_is_the_header_alone(auth_client):
    assert auth_client.get(URL).content == b"tmdbID,Title,Year,WatchedDate,Rating10,Rewatch\r\n"


@pytest.mark.parametrize("accept", ["text/csv", "application/json", "image/png"])
def test_it_needs_a_token_and_answers_json_whatever_is_accepted(api_client, accept):
    response = api_client.get(URL, HTTP_ACCEPT=accept)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_it_is_served_whatever_the_client_accepts(auth_client):
    assert auth_client.get(URL, HTTP_ACCEPT="text/csv").status_code == 200


def test_the_query_count_does_not_grow_with_the_history(user, django_assert_max_num_queries):
    from tests.favorites.helpers import client_skipping_authentication

    for movie in MovieFactory.create_batch(30):
        PlayFactory(user=user, movie=movie)
        RatingFactory(user=user, movie=movie)
    client = client_skipping_authentication(user)

    with django_assert_max_num_queries(3):  # plays, ratings, movies
        assert len(rows(client.get(URL))) == 31
