"""Movies' IMDb ids: the demo catalog's, and those migration 0009 fills in for movies stored
before it."""

import csv

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog import services
from catalog.models import Movie
from catalog.services import DEMO_DIR

BEFORE = [("catalog", "0008_postgres_ordering_indexes_cover_adult")]
AFTER = [("catalog", "0009_movie_imdb_id")]


def test_every_demo_movie_has_its_movielens_imdb_id(db):
    with (DEMO_DIR / "movies.csv").open(newline="", encoding="utf-8") as f:
        expected = {int(row["tmdb_id"]): row["imdb_id"] for row in csv.DictReader(f)}

    services.demo_catalog_load()

    stored = dict(Movie.objects.values_list("tmdb_id", "imdb_id"))
    assert stored == expected
    assert stored[862] == "tt0114709"  # Toy Story, as MovieLens' links.csv has it
    assert all(imdb_id.startswith("tt") for imdb_id in stored.values())


def test_reloading_the_demo_fills_a_missing_imdb_id_and_keeps_one_stored(db):
    services.demo_catalog_load()
    Movie.objects.filter(tmdb_id=862).update(imdb_id="")
    Movie.objects.filter(tmdb_id=8844).update(imdb_id="tt9999999")

    services.demo_catalog_load()

    assert Movie.objects.get(tmdb_id=862).imdb_id == "tt0114709"
    assert Movie.objects.get(tmdb_id=8844).imdb_id == "tt9999999"


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_demo_imdb_ids_of_stored_movies():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("catalog", "Movie")
    old.objects.create(tmdb_id=862, title="Toy Story")
    old.objects.create(tmdb_id=990_000_001, title="Not in the demo")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps.get_model("catalog", "Movie")
    assert dict(new.objects.values_list("tmdb_id", "imdb_id")) == {
        862: "tt0114709",
        990_000_001: "",
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
