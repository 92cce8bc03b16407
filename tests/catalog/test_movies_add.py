"""services.movies_add: movies TMDB named (a search's or /find's results) join the catalog."""

import datetime

from catalog.models import Movie
from catalog.services import movies_add
from tests.catalog.factories import MovieFactory, tmdb_summary


def test_new_movies_are_added_with_the_imdb_ids_asked(db, django_capture_on_commit_callbacks):
    heat = tmdb_summary(949, "Heat", release_date=datetime.date(1995, 12, 15))
    amelie = tmdb_summary(194, "Amélie")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        found = movies_add(items=[heat, amelie], imdb_ids={949: "tt0113277"})

    stored = {m.tmdb_id: m for m in Movie.objects.all()}
    assert found == {949: stored[949].pk, 194: stored[194].pk}
    assert (stored[949].title, stored[949].release_year, stored[949].imdb_id) == (
        "Heat", 1995, "tt0113277",
    )  # fmt: skip
    assert stored[194].imdb_id == ""
    assert len(callbacks) == 1  # movies_changed, for the caches and the recommender


def test_a_stored_movie_is_refreshed_and_keeps_its_imdb_id(db):
    listed = MovieFactory(tmdb_id=949, title="Heat (old title)", imdb_id="")
    detailed = MovieFactory(tmdb_id=807, title="Se7en", imdb_id="tt0114369")

    found = movies_add(
        items=[tmdb_summary(949, "Heat"), tmdb_summary(807, "Se7en")],
        imdb_ids={949: "tt0113277", 807: "tt9999999"},
    )

    listed.refresh_from_db()
    detailed.refresh_from_db()
    assert found == {949: listed.pk, 807: detailed.pk}
    assert (listed.title, listed.imdb_id) == ("Heat", "tt0113277")
    assert detailed.imdb_id == "tt0114369"
    assert Movie.objects.count() == 2
