"""ratings_import: many ratings at once (the imports app); of several ratings of a movie, the
latest is kept, a rating set in the app counting with its own time; nothing twice."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ratings.models import Rating
from ratings.services import LATER_KEPT, RatingIn, ratings_import
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.ratings.factories import RatingFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
LIST = reverse("ratings:rating-list")


def at(year: int) -> datetime.datetime:
    return datetime.datetime(year, 6, 1, tzinfo=UTC)


def test_new_ratings_are_added_and_a_second_import_adds_nothing(
    user, django_capture_on_commit_callbacks
):
    movies = [MovieFactory(), MovieFactory()]
    given = [RatingIn(movies[0].pk, 7, at(2020)), RatingIn(movies[1].pk, Decimal("8.5"), None)]

    with django_capture_on_commit_callbacks(execute=True):
        first = ratings_import(user=user, ratings=given)
    again = ratings_import(user=user, ratings=given)

    assert (first.added, first.present, first.rejected) == (2, 0, [])
    assert (again.added, again.present, again.rejected) == (0, 2, [])
    kept = dict(Rating.objects.filter(user=user).values_list("movie_id", "value"))
    assert kept == {movies[0].pk: Decimal("7.0"), movies[1].pk: Decimal("8.5")}
    assert Rating.objects.get(user=user, movie=movies[0]).rated_at == at(2020)


def test_the_latest_rating_wins_the_apps_own_counting_with_its_time(user):
    older_in_app, newer_in_app = MovieFactory(), MovieFactory()
    RatingFactory(user=user, movie=older_in_app, value=Decimal("3"), rated_at=at(2019))
    RatingFactory(user=user, movie=newer_in_app, value=Decimal("3"), rated_at=at(2025))

    result = ratings_import(
        user=user,
        ratings=[RatingIn(older_in_app.pk, 9, at(2021)), RatingIn(newer_in_app.pk, 9, at(2021))],
    )

    assert (result.added, result.present) == (1, 0)
    assert result.rejected == [(1, LATER_KEPT)]
    kept = dict(Rating.objects.filter(user=user).values_list("movie_id", "value"))
    assert kept == {older_in_app.pk: Decimal("9.0"), newer_in_app.pk: Decimal("3.0")}
    assert Rating.objects.get(user=user, movie=older_in_app).rated_at == at(2021)


def test_of_two_files_the_later_rating_is_kept_in_either_order(user):
    movie = MovieFactory()
    ratings_import(user=user, ratings=[RatingIn(movie.pk, 4, at(2023))])
    ratings_import(user=user, ratings=[RatingIn(movie.pk, 10, at(2020))])
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("4.0")
    ratings_import(user=user, ratings=[RatingIn(movie.pk, 6, at(2024))])
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("6.0")


def test_within_a_batch_the_latest_of_a_movie_is_kept(user):
    movie = MovieFactory()

    result = ratings_import(
        user=user,
        ratings=[RatingIn(movie.pk, 2, at(2022)), RatingIn(movie.pk, 8, at(2024)),
                 RatingIn(movie.pk, 5, None)],
    )  # fmt: skip

    assert (result.added, result.present) == (1, 0)
    assert result.rejected == [(0, LATER_KEPT), (2, LATER_KEPT)]
    assert Rating.objects.get(user=user, movie=movie).value == Decimal("8.0")
    again = ratings_import(user=user, ratings=[RatingIn(movie.pk, 8, at(2024))])
    assert (again.added, again.present, again.rejected) == (0, 1, [])


def test_invalid_values_and_unknown_movies_are_rejected_with_their_reason(user):
    movie = MovieFactory()

    result = ratings_import(
        user=user,
        ratings=[RatingIn(movie.pk, 11, None), RatingIn(movie.pk, 7.3, None),
                 RatingIn(2_000_000_000, 7, None), RatingIn(movie.pk, 7, None)],
    )  # fmt: skip

    assert result.added == 1
    assert [index for index, _ in result.rejected] == [0, 1, 2]
    assert result.rejected[2][1] == "movie_id: No such movie."
    assert result.rejected[0][1].startswith("value: ")


def test_the_users_cached_pages_show_the_import_once_committed(
    user, django_capture_on_commit_callbacks
):
    client = client_for(user)
    assert client.get(LIST).json()["count"] == 0  # cached now
    movie = MovieFactory()

    with django_capture_on_commit_callbacks(execute=True):
        ratings_import(user=user, ratings=[RatingIn(movie.pk, 7, None)])

    page = client.get(LIST).json()
    assert [row["movie"]["id"] for row in page["results"]] == [movie.pk]
