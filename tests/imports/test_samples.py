"""Each sample export (tests/imports/data, with TRUTH.json: what each row means by TMDB id)
imported into a fresh account with the demo catalog: every row where it belongs, the films
that exist nowhere reported unmatched, nothing matched wrongly, TV rows counted as skipped,
and a second import of the same file changes nothing."""

import json
from collections import Counter

import pytest

from favorites.models import FavoriteMovie
from history.models import Play
from ratings.models import Rating
from tests.conftest import client_for
from tests.imports.conftest import DATA
from watchlist.models import WatchlistItem

TRUTH = json.loads((DATA / "TRUTH.json").read_text())
SOURCES = {
    "letterboxd-export.zip": "letterboxd",
    "trakt-export.zip": "trakt",
    "imdb-ratings.csv": "imdb",
    "imdb-ratings-2020.csv": "imdb",
    "imdb-WATCHLIST.csv": "imdb",
    "tmdb-ratings.csv": "tmdb",
}
# TV rows of the files for which TRUTH.json gives no count: TMDB's one "tv" row; Trakt's play
# of an episode and its ratings-shows.json's one rating.
TV_ROWS = {"tmdb-ratings.csv": 1, "trakt-export.zip": 2}


def state(user) -> dict:
    """What the user keeps, by TMDB id."""
    return {
        "ratings": {
            str(tmdb_id): float(value)
            for tmdb_id, value in Rating.objects.filter(user=user).values_list(
                "movie__tmdb_id", "value"
            )
        },
        "watchlist": sorted(
            WatchlistItem.objects.filter(user=user).values_list("movie__tmdb_id", flat=True)
        ),
        "favorites": sorted(
            FavoriteMovie.objects.filter(user=user).values_list("movie__tmdb_id", flat=True)
        ),
        "plays": Counter(
            (tmdb_id, day.isoformat() if day else None, rewatch)
            for tmdb_id, day, rewatch in Play.objects.filter(user=user).values_list(
                "movie__tmdb_id", "watched_on", "rewatch"
            )
        ),
    }


def unmatched_names(job: dict, name: str) -> set:
    if name.startswith("letterboxd"):
        return {f"{miss['name']} ({miss['year']})" for miss in job["unmatched"]}
    if name.startswith("trakt"):
        return {miss["tmdb_id"] for miss in job["unmatched"]}
    return {miss["id_given"] for miss in job["unmatched"]}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_each_sample_imports_every_row_where_it_belongs(name, demo_catalog, user, upload):
    truth = TRUTH[name]
    client = client_for(user)

    response = upload(client, name)

    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    job = client.get(f"/api/imports/{response.json()['id']}/").json()
    assert job["status"] == "done", job
    assert job["source"] == SOURCES[name]
    assert job["error"] is None
    kept = state(user)
    assert kept["ratings"] == {key: float(value) for key, value in truth.get("ratings", {}).items()}
    assert kept["watchlist"] == sorted(truth.get("watchlist", []))
    assert kept["favorites"] == sorted(truth.get("favorites", []))
    plays = Counter((p["tmdb_id"], p["date"], p["rewatch"]) for p in truth.get("plays", []))
    assert kept["plays"] == plays
    if "watched" in truth:
        assert {tmdb_id for tmdb_id, _, _ in kept["plays"]} == set(truth["watched"])
    assert unmatched_names(job, name) == set(truth["unmatched"])
    assert job["counts"]["unmatched"] >= len(truth["unmatched"])
    kept_ids = set(map(int, kept["ratings"])) | set(kept["watchlist"]) | set(kept["favorites"])
    kept_ids |= {tmdb_id for tmdb_id, _, _ in kept["plays"]}
    assert kept_ids.isdisjoint(truth.get("never", []))
    skipped = job["counts"]["skipped"]
    tv_rows = truth.get("skipped_types", TV_ROWS.get(name, 0))
    assert skipped.get("tv", 0) + skipped.get("not a film", 0) == tv_rows
    counts = job["counts"]
    assert counts["read"] == (
        counts["imported"] + counts["already_present"] + sum(skipped.values()) + counts["unmatched"]
    )
    assert counts["already_present"] == 0

    again = upload(client, name)

    second = client.get(f"/api/imports/{again.json()['id']}/").json()
    assert second["status"] == "done"
    assert second["counts"]["imported"] == 0
    assert second["counts"]["already_present"] == counts["imported"]
    assert state(user) == kept
