"""Imports run on several workers at once: two matching the same films TMDB knows and the
catalog lacks add each film once, and neither fails (PostgreSQL, real threads)."""

from collections.abc import Iterator

import pytest

from catalog.models import Movie
from imports.matching import FilmRef, match_films
from tests.concurrency import POSTGRES_ONLY, in_threads
from tmdb.testing.server import FakeTMDB

pytestmark = POSTGRES_ONLY
GENRES = [{"id": 18, "name": "Drama"}, {"id": 80, "name": "Crime"}]


@pytest.fixture
def fake_tmdb() -> Iterator[FakeTMDB]:
    with FakeTMDB(known_movies_only=True) as server:
        yield server


def test_workers_adding_the_same_films_at_once(fake_tmdb: FakeTMDB) -> None:
    for tmdb_id in range(1, 6):
        fake_tmdb.add_movie(tmdb_id, title=f"Film {tmdb_id}", genres=GENRES)
    refs = [FilmRef(tmdb_id=tmdb_id) for tmdb_id in range(1, 6)]
    results: list[dict] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with fake_tmdb.client(max_retries=0) as client:
                results.append(match_films(refs, client=client))
        except BaseException as exc:
            errors.append(exc)

    in_threads(work, [() for _ in range(8)])

    assert errors == []
    stored = dict(Movie.objects.values_list("tmdb_id", "pk"))
    assert sorted(stored) == [1, 2, 3, 4, 5]
    assert results == [{ref: stored[ref.tmdb_id] for ref in refs}] * 8
    for movie in Movie.objects.all():
        assert sorted(g.name for g in movie.genres.all()) == ["Crime", "Drama"]
