"""PUT/DELETE /api/movies/<id>/rating/ and GET /api/ratings/: strict values, nothing stored on
bad input, the user's own ratings only."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ratings.models import Rating
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.ratings.factories import RatingFactory

LIST = reverse("ratings:rating-list")
INVALID = {"value": ["Enter a number from 0.5 to 10 in steps of 0.5."]}

pytestmark = pytest.mark.django_db


def rating_url(movie_id) -> str:
    return reverse("ratings:movie-rating", args=[movie_id])


def test_first_put_is_201_then_200_replacing_the_value(auth_client, user):
    movie = MovieFactory(title="Heat")

    created = auth_client.put(rating_url(movie.id), {"value": 8.5}, format="json")
    replaced = auth_client.put(rating_url(movie.id), {"value": 3}, format="json")

    rating = Rating.objects.get(user=user)
    assert created.status_code == 201 and replaced.status_code == 200
    assert replaced.json() == {
        "id": rating.id,
        "movie": {**created.json()["movie"], "title": "Heat"},
        "value": 3.0,
        "rated_at": rating.rated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert created.json()["value"] == 8.5 and rating.value == Decimal("3.0")


@pytest.mark.parametrize("value", [0.5, 1, 5.5, 10, 10.0])
def test_values_from_half_to_ten_in_halves_are_stored(auth_client, value):
    movie = MovieFactory()

    response = auth_client.put(rating_url(movie.id), {"value": value}, format="json")

    assert response.status_code == 201
    assert Rating.objects.get().value == Decimal(str(value))


@pytest.mark.parametrize(
    "value",
    [0, 0.0, -1, 10.5, 11, 0.25, 7.3, 1e-9, 10**400, True, False, "8", "8.5", "abc", [8],
     {"v": 8}],
)  # fmt: skip
def test_invalid_values_are_400_on_value_and_store_nothing(auth_client, value):
    movie = MovieFactory()
    RatingFactory(movie=movie, value=Decimal("6"))  # someone else's: untouched

    response = auth_client.put(rating_url(movie.id), {"value": value}, format="json")

    assert (response.status_code, response.json()) == (400, INVALID)
    assert list(Rating.objects.values_list("value", flat=True)) == [Decimal("6.0")]


def test_a_bad_value_leaves_an_earlier_rating_as_it_was(auth_client, user):
    rating = RatingFactory(user=user, value=Decimal("9"))

    response = auth_client.put(rating_url(rating.movie_id), {"value": 99}, format="json")

    assert response.status_code == 400
    rating.refresh_from_db()
    assert rating.value == Decimal("9.0")


@pytest.mark.parametrize("text", ['{"value": NaN}', '{"value": Infinity}', '{"value": -Infinity}'])
def test_non_finite_numbers_are_refused(auth_client, text):
    movie = MovieFactory()

    response = auth_client.generic(
        "PUT", rating_url(movie.id), text, content_type="application/json"
    )

    assert response.status_code == 400
    assert not Rating.objects.exists()


@pytest.mark.parametrize("body", [{}, {"value": None}, {"rating": 5}])
def test_a_missing_or_null_value_is_a_field_error(auth_client, body):
    response = auth_client.put(rating_url(MovieFactory().id), body, format="json")

    assert (response.status_code, list(response.json())) == (400, ["value"])
    assert not Rating.objects.exists()


@pytest.mark.parametrize("movie_id", [999999, 2**63, 10**30])
def test_rating_an_unknown_movie_is_404_and_stores_nothing(auth_client, movie_id):
    response = auth_client.put(rating_url(movie_id), {"value": 5}, format="json")

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert not Rating.objects.exists()


@pytest.mark.parametrize("path", ["/api/movies/abc/rating/", "/api/movies/\u0663/rating/"])
def test_a_movie_id_that_is_not_ascii_digits_is_404(auth_client, path):
    assert auth_client.put(path, {"value": 5}, format="json").status_code == 404


def test_delete_is_204_then_404_when_there_is_no_rating(auth_client, user):
    rating = RatingFactory(user=user)

    removed = auth_client.delete(rating_url(rating.movie_id))
    again = auth_client.delete(rating_url(rating.movie_id))

    assert (removed.status_code, removed.content) == (204, b"")
    assert (again.status_code, again.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("movie_id", [999999, 2**63, 10**30])
def test_deleting_the_rating_of_an_id_no_movie_has_is_404(auth_client, movie_id):
    response = auth_client.delete(rating_url(movie_id))

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_options_describes_the_rating_url(auth_client, user):
    rating = RatingFactory(user=user)

    unrated = auth_client.options(rating_url(rating.movie_id + 1))
    rated = auth_client.options(rating_url(rating.movie_id))

    assert (unrated.status_code, rated.status_code) == (200, 200)
    assert {"PUT", "DELETE"} <= set(rated["Allow"].replace(" ", "").split(","))


def test_list_is_latest_first_with_the_movie_item(auth_client, user):
    now = timezone.now()
    old = RatingFactory(user=user, rated_at=now - datetime.timedelta(days=2))
    new = RatingFactory(user=user, rated_at=now)
    RatingFactory()  # someone else's

    body = auth_client.get(LIST).json()

    assert body["count"] == 2
    assert [r["id"] for r in body["results"]] == [new.id, old.id]
    assert set(body["results"][0]["movie"]) == {
        "id", "title", "release_date", "description", "poster_path"
    }  # fmt: skip


def test_rerating_moves_a_movie_to_the_top(auth_client, user):
    first, second = MovieFactory(), MovieFactory()
    for movie in (first, second, first):
        auth_client.put(rating_url(movie.id), {"value": 6}, format="json")

    assert [r["movie"]["id"] for r in auth_client.get(LIST).json()["results"]] == [
        first.id,
        second.id,
    ]


@pytest.mark.parametrize("page", ["0", "x", "5", "\u0663"])
def test_list_invalid_page_is_400(auth_client, page):
    assert auth_client.get(LIST, {"page": page}).json() == {"detail": "Invalid page."}


def test_list_query_count_is_constant(auth_client, user, django_assert_num_queries):
    RatingFactory.create_batch(25, user=user)

    with django_assert_num_queries(3):  # user (authentication), count, page
        assert len(auth_client.get(LIST, {"page_size": 25}).json()["results"]) == 25


def test_writes_need_a_token_and_are_throttled(api_client, auth_client, throttle_rates):
    throttle_rates(ratings_write="2/min")
    movie = MovieFactory()

    assert api_client.put(rating_url(movie.id), {"value": 5}, format="json").status_code == 401
    assert api_client.get(LIST).status_code == 401
    answers = [
        auth_client.put(rating_url(movie.id), {"value": 5}, format="json").status_code
        for _ in range(3)
    ]
    assert answers == [201, 200, 429]
    assert auth_client.get(LIST).status_code == 200


def test_users_rate_independently(user):
    from tests.accounts.factories import UserFactory

    other = UserFactory()
    movie = MovieFactory()
    client_for(other).put(rating_url(movie.id), {"value": 2}, format="json")

    mine = client_for(user).put(rating_url(movie.id), {"value": 9}, format="json")

    assert mine.status_code == 201
    assert client_for(user).delete(rating_url(MovieFactory().id)).status_code == 404
    assert sorted(Rating.objects.values_list("value", flat=True)) == [Decimal("2"), Decimal("9")]
    assert json.loads(client_for(other).get(LIST).content)["results"][0]["value"] == 2.0
