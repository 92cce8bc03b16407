"""The account's deletion and export reach every installed app: favorites are removed with the
account and listed in its export (ACCOUNTS['EXPORTERS'] wires favorites.selectors)."""

import pytest
from django.urls import reverse

from favorites.models import FavoriteMovie
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory

pytestmark = pytest.mark.django_db


def test_export_lists_the_favorites(user):
    first = FavoriteMovieFactory(user=user)
    second = FavoriteMovieFactory(user=user)
    FavoriteMovieFactory()  # someone else's

    body = client_for(user).get(reverse("accounts:me-export")).json()

    assert body["favorites"] == {
        "favorite_movies": [
            {"movie_id": f.movie_id, "title": f.movie.title, "added_at": f.added_at.isoformat()}
            for f in (first, second)
        ]
    }


def test_deletion_removes_the_favorites_and_no_one_elses(user):
    FavoriteMovieFactory.create_batch(2, user=user)
    other = FavoriteMovieFactory(user=UserFactory())

    response = client_for(user).delete(
        reverse("accounts:me"), {"password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    assert list(FavoriteMovie.objects.all()) == [other]
