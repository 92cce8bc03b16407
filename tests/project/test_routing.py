"""Every path under /api/ answers JSON: routes work with or without their trailing slash, for
every method and without a redirect, and an unknown path is a JSON 404, DEBUG or not."""

import json

import pytest
from django.urls import reverse

from core.api.exceptions import json_csrf_failure
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["prod-like", "debug"])
def debug(request, settings):
    """As deployed, and as under ``make run`` (DEBUG on: Django's own 404 page is HTML)."""
    settings.DEBUG = request.param
    return request.param


def test_a_post_without_the_trailing_slash_is_served_not_redirected(auth_client, user, debug):
    movie = MovieFactory()

    response = auth_client.post("/api/favorite-movies", {"movie_id": movie.id}, format="json")

    assert response.status_code == 201
    assert response.json()["movie"]["id"] == movie.id
    assert user.favorites.filter(movie=movie).exists()


def test_get_and_delete_without_the_trailing_slash(auth_client, user, debug):
    favorite = FavoriteMovieFactory(user=user)

    listed = auth_client.get("/api/favorite-movies", {"page": 1})
    detail = auth_client.get(f"/api/movies/{favorite.movie_id}")
    removed = auth_client.delete(f"/api/favorite-movies/{favorite.id}")

    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert detail.status_code == 200 and detail.json()["id"] == favorite.movie_id
    assert removed.status_code == 204
    assert not user.favorites.exists()


def test_both_forms_answer_the_same(api_client, debug):
    MovieFactory.create_batch(3)

    assert api_client.get("/api/movies").json() == api_client.get("/api/movies/").json()
    assert (
        api_client.get("/api/genres").json() == api_client.get(reverse("catalog:genre-list")).json()
    )


def test_login_without_the_trailing_slash(api_client, user, debug):
    response = api_client.post(
        "/api/token", {"username": user.username, "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert set(response.json()) >= {"access", "refresh", "user"}


@pytest.mark.parametrize(
    "path", ["/api/nope/", "/api/nope", "/api/movies/1/nope/", "/api/movies/1/nope", "/api/x/y/z"]
)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_path_is_a_json_404_for_every_method(api_client, debug, path, method):
    response = getattr(api_client, method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_method_on_a_slashless_route_is_a_json_405(api_client, debug):
    response = api_client.put("/api/movies")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_slashless_routes_stay_out_of_the_schema(api_client):
    schema = api_client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = set(schema.json()["paths"])
    slashless_twins = {path for path in paths if not path.endswith("/") and f"{path}/" in paths}

    assert "/api/movies/" in paths
    assert not slashless_twins
    # The one path without a slash is a file's name, which has no slashed twin.
    assert {path for path in paths if not path.endswith("/")} == {"/api/me/export/letterboxd.csv"}


@pytest.mark.parametrize("path", ["/api/favorite-movies/0.5/", "/api/nope/", "/api/nope"])
def test_an_unknown_path_is_json_even_where_django_would_check_csrf(path, user):
    client = client_for(user)
    client.handler.enforce_csrf_checks = True

    response = client.delete(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_csrf_failure_under_the_api_is_json(rf):
    response = json_csrf_failure(rf.post("/api/anything/"), "CSRF cookie not set.")

    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": "CSRF Failed: CSRF cookie not set."}
    assert b"<html" in json_csrf_failure(rf.post("/admin/login/"), "x").content
