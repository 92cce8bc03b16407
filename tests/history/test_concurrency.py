"""Concurrent imports of one file by one user (PostgreSQL): each play stored once, and the
counts add up to exactly what the file holds."""

import datetime

from history.models import Play
from history.services import PlayIn, plays_import
from tests.catalog.factories import MovieFactory
from tests.concurrency import POSTGRES_ONLY, in_threads

pytestmark = POSTGRES_ONLY


def test_the_same_file_imported_four_times_at_once_is_stored_once_and_counted_exactly(user):
    movies = MovieFactory.create_batch(20)
    day = datetime.date(2024, 5, 1)
    days = [day + datetime.timedelta(days=i % 3) for i in range(40)]
    plays = [PlayIn(movie_id=m.id, watched_on=days[i], rewatch=i % 2 == 0)
             for i, m in enumerate(movies * 2)]  # fmt: skip
    distinct = len({(p.movie_id, p.watched_on, p.rewatch) for p in plays})
    results = []

    def run() -> None:
        results.append(plays_import(user=user, plays=plays, source="letterboxd"))

    in_threads(run, [(), (), (), ()], timeout=60)

    assert Play.objects.filter(user=user).count() == distinct
    assert sum(r.added for r in results) == distinct
    assert sum(r.added + r.present for r in results) == 4 * len(plays)
