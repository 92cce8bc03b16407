"""favorites_import / watchlist_import (core.user_lists.UserMovieList.add_many): many movies at
once, each once; unknown ones rejected; over the limit nothing is added."""

import pytest
from django.core.exceptions import ValidationError

from favorites.models import FavoriteMovie
from favorites.services import favorites_import
from tests.catalog.factories import MovieFactory
from tests.favorites.factories import FavoriteMovieFactory

pytestmark = pytest.mark.django_db


def test_movies_are_added_once_and_unknown_ones_rejected(user, django_capture_on_commit_callbacks):
    kept, new = MovieFactory(), MovieFactory()
    FavoriteMovieFactory(user=user, movie=kept)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = favorites_import(user=user, movie_ids=[kept.pk, new.pk, new.pk, 2_000_000_000])

    assert (result.added, result.present) == (1, 2)
    assert result.rejected == [(3, "movie_id: No such movie.")]
    assert set(FavoriteMovie.objects.filter(user=user).values_list("movie_id", flat=True)) == {
        kept.pk, new.pk
    }  # fmt: skip
    assert len(callbacks) == 1  # the user's pages, bumped once committed
    again = favorites_import(user=user, movie_ids=[kept.pk, new.pk])
    assert (again.added, again.present) == (0, 2)


def test_past_the_limit_nothing_is_added(user, settings):
    settings.FAVORITES = {**getattr(settings, "FAVORITES", {}), "MAX_PER_USER": 2}
    movies = [MovieFactory() for _ in range(3)]

    with pytest.raises(ValidationError, match="more than 2 favorites"):
        favorites_import(user=user, movie_ids=[movie.pk for movie in movies])

    assert not FavoriteMovie.objects.filter(user=user).exists()
