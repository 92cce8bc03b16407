"""TMDB's adult flag is stored, and adult titles stay out of every public list, search, detail
and recommendation unless CATALOG['INCLUDE_ADULT'] allows them."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Movie
from recommendations.services import neighbour_table_build
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory, tmdb_summary
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory

pytestmark = pytest.mark.django_db

MOVIES = reverse("catalog:movie-list")


@pytest.fixture
def adult(db):
    return MovieFactory(title="Adult title", adult=True, popularity=99.0)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_a_sync_stores_the_flag():
    services.movies_upsert([tmdb_summary(1, "Plain"), tmdb_summary(2, "Flagged", adult=True)])

    assert dict(Movie.objects.values_list("tmdb_id", "adult")) == {1: False, 2: True}


def test_adult_titles_stay_out_of_lists_search_and_details(api_client, adult):
    plain = MovieFactory(title="Adult education", popularity=1.0)

    listed = api_client.get(MOVIES)
    searched = api_client.get(MOVIES, {"search": "adult"})
    detail = api_client.get(reverse("catalog:movie-detail", args=[adult.id]))

    assert ids(listed) == [plain.id] and listed.json()["count"] == 1
    assert ids(searched) == [plain.id]
    assert detail.status_code == 404


def test_adult_titles_are_never_recommended_nor_added(adult, user):
    plain = MovieFactory(title="Plain")
    for fan in UserFactory.create_batch(3):
        FavoriteMovieFactory(user=fan, movie=plain)
        FavoriteMovieFactory(user=fan, movie=adult)
    neighbour_table_build()
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=plain)

    recommended = client.get(reverse("recommendations:recommendation-list"))
    similar = client.get(reverse("recommendations:similar-movie-list", args=[plain.id]))
    added = client.post(
        reverse("favorites:favorite-movie-list"), {"movie_id": adult.id}, format="json"
    )

    assert adult.id not in ids(recommended)
    assert adult.id not in ids(similar)
    assert added.status_code == 400 and list(added.json()) == ["movie_id"]


def test_a_setting_lets_them_in(api_client, adult, settings):
    settings.CATALOG = {**getattr(settings, "CATALOG", {}), "INCLUDE_ADULT": True}

    assert ids(api_client.get(MOVIES)) == [adult.id]
    assert api_client.get(reverse("catalog:movie-detail", args=[adult.id])).status_code == 200
