"""A small catalog with planted taste: the fans of A also favorite B and C, those of D also E
and F. Nothing is built until a test calls ``neighbour_table_build``."""

from dataclasses import dataclass

import pytest

from catalog.models import Movie
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.favorites.factories import FavoriteMovieFactory


@dataclass
class Planted:
    a: Movie
    b: Movie
    c: Movie
    d: Movie
    e: Movie
    f: Movie
    fans: list  # the users who made the structure


@pytest.fixture
def planted(db) -> Planted:
    titles = ["Alien", "Blade Runner", "Contact", "Dirty Dancing", "Emma", "Footloose"]
    a, b, c, d, e, f = (MovieFactory(title=title, popularity=1.0) for title in titles)
    fans = []
    for movies in ([a, b, c], [d, e, f]):
        for _ in range(4):
            fan = UserFactory()
            fans.append(fan)
            for movie in movies:
                FavoriteMovieFactory(user=fan, movie=movie)
    return Planted(a, b, c, d, e, f, fans)
