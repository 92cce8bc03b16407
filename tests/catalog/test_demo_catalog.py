"""The bundled demo catalog as the API serves it, and the files that ship with it."""

import csv
import datetime
import fnmatch
import tomllib
from pathlib import Path

import pytest

from catalog import services
from catalog.services import DEMO_DIR

ROOT = Path(__file__).resolve().parents[2]
TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


@pytest.fixture
def demo(db):
    services.demo_catalog_load()


def test_first_page_of_the_demo_has_posters_and_descriptions(api_client, demo):
    response = api_client.get("/api/movies/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    assert all(movie["poster_path"] and movie["description"] for movie in results)
    assert all(movie["release_date"] for movie in results)


def test_default_order_is_by_popularity_with_movies_without_metadata_last(api_client, demo):
    with (DEMO_DIR / "movies.csv").open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["popularity"]]
    by_popularity = [r["title"] for r in sorted(rows, key=lambda r: -float(r["popularity"]))]

    first = api_client.get("/api/movies/", {"page_size": 5}).json()
    last = api_client.get("/api/movies/", {"page_size": 5, "page": -(-first["count"] // 5)}).json()
    ascending = api_client.get("/api/movies/", {"page_size": 5, "ordering": "popularity"}).json()

    assert first["count"] == 9_733
    assert [m["title"] for m in first["results"]] == by_popularity[:5]
    assert not any(m["poster_path"] or m["description"] for m in last["results"])
    assert ascending["results"][0]["poster_path"]  # ascending too: no popularity comes last


def test_vote_and_date_filters_work_on_the_demo(api_client, demo):
    by_vote = api_client.get("/api/movies/", {"min_vote_average": 8.5}).json()
    by_date = api_client.get(
        "/api/movies/",
        {"release_date_after": "1995-10-01", "release_date_before": "1995-10-31"},
    ).json()

    assert 0 < by_vote["count"] < 100
    assert 0 < by_date["count"] < 100
    assert "Toy Story" in {m["title"] for m in by_date["results"]}
    assert all(
        datetime.date(1995, 10, 1)
        <= datetime.date.fromisoformat(m["release_date"])
        <= datetime.date(1995, 10, 31)
        for m in by_date["results"]
    )


def test_a_demo_movie_detail_has_no_backdrop(api_client, demo):
    from catalog.models import Movie

    toy_story = Movie.objects.get(tmdb_id=862)
    body = api_client.get(f"/api/movies/{toy_story.pk}/").json()

    assert body["runtime"] == 81
    assert body["backdrop_path"] is None  # the data has only the collection's backdrop


def test_demo_data_ships_with_its_sources_and_licenses():
    files = {path.name for path in DEMO_DIR.iterdir()}

    assert {"LICENSE-MovieLens.txt", "SOURCE-MovieLens.txt", "SOURCE-TMDB.txt"} <= files
    assert files & {"movies.csv", "movies.csv.gz"}
    assert "GroupLens" in (DEMO_DIR / "LICENSE-MovieLens.txt").read_text()
    assert TMDB_NOTICE in (DEMO_DIR / "SOURCE-TMDB.txt").read_text()
    # The wheel's package data takes every file of the demo directory.
    pyproject = tomllib.loads((ROOT / "src/catalog/pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["catalog"]
    assert all(any(fnmatch.fnmatch(f"demo/{name}", p) for p in patterns) for name in files)


def test_the_demo_file_has_no_collection_backdrop():
    text = (DEMO_DIR / "movies.csv").read_text()

    assert "backdrop" not in text.splitlines()[0]
    assert "/9FBwqcd9IRruEDUrTdcaafOMKUq.jpg" not in text  # Toy Story's collection backdrop


def test_the_tmdb_notice_is_where_the_data_sources_are_named(settings):
    assert TMDB_NOTICE in (ROOT / "README.md").read_text()
    assert TMDB_NOTICE in settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
