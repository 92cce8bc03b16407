"""Hostile or malformed input gets a clear 4xx JSON answer and stores nothing."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.catalog.factories import MovieFactory

REGISTER = "/api/register/"
MOVIES = "/api/movies/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api_client):
    api_client.raise_request_exception = False
    return api_client


def test_oversized_body_is_400_json(client):
    response = client.post(REGISTER, "x" * (2 * 1024 * 1024), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}
    assert not User.objects.exists()


def test_deeply_nested_json_is_400_not_500(client):
    response = client.post(REGISTER, "[" * 100_000 + "]" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "hello"),
        ("application/xml", "<a/>"),
        ("application/x-www-form-urlencoded", "a=1"),
    ],
)
def test_wrong_content_type_is_415(client, content_type, body):
    response = client.post(REGISTER, body, content_type=content_type)

    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported media type")


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "ü" * 151},
        {"username": "a\x00b"},
        {"email": "a\x00b@example.com"},
        {"email": "x@" + "e" * 300 + ".com"},
        {"password": "p" * 5000},
        {"username": "🎬🍿"},
    ],
)
def test_long_or_odd_strings_are_400_and_store_nothing(client, fields):
    body = {"username": "okname", "email": "ok@example.com", "password": "s3cret-Pass!word"}

    response = client.post(REGISTER, {**body, **fields}, format="json")

    assert response.status_code == 400
    assert set(response.json()) <= {"username", "email", "password"}
    assert not User.objects.exists()


def test_unicode_titles_are_searchable(client):
    movie = MovieFactory(title="Amélie — Le Fabuleux Destin")

    response = client.get(MOVIES, {"search": "amélie"})

    assert [m["id"] for m in response.json()["results"]] == [movie.id]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "9" * 40},
        {"year": "9" * 40},
        {"min_vote_average": "9" * 40},
        {"search": "x" * 201},
        {"search": "\x00"},
        {"release_date_after": "9999-99-99"},
    ],
)
def test_huge_or_odd_query_values_are_400(client, params):
    MovieFactory()

    response = client.get(MOVIES, params)

    assert response.status_code == 400
    assert isinstance(response.json(), dict)


@pytest.mark.parametrize("params", [{"genre": "9" * 40}])
def test_huge_values_that_only_narrow_are_200(client, params):
    MovieFactory()

    response = client.get(MOVIES, params)

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/movies/9999999999999999999999/", "/api/movies/-1/"])
def test_out_of_range_ids_are_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_huge_favorite_id_is_404(auth_client):
    auth_client.raise_request_exception = False

    response = auth_client.delete(
        reverse("favorites:favorite-movie-detail", args=["9999999999999999999999"])
    )

    assert response.status_code == 404
