import dataclasses
import datetime

import pytest

from tmdb.testing.server import example
from tmdb.types import ChangedItem, Genre, MovieDetails, MovieSummary, Page


def test_movie_summary_from_a_recorded_list_item() -> None:
    movie = MovieSummary.from_json(example("movie-popular.json")["results"][0])

    assert movie == MovieSummary(
        id=787699,
        title="Wonka",
        original_title="Wonka",
        overview=movie.overview,
        release_date=datetime.date(2023, 12, 6),
        poster_path="/qhb1qOilapbapxWQn9jtRCMwXJF.jpg",
        backdrop_path="/yOm993lsJyPmBodlYjgpPwBjXP9.jpg",
        genre_ids=(35, 10751, 14),
        popularity=3205.442,
        vote_average=7.193,
        vote_count=movie.vote_count,
        adult=False,
        original_language="en",
    )
    assert movie.overview.startswith("Willy Wonka")
    assert isinstance(movie.vote_count, int)


def test_empty_release_date_is_none() -> None:
    # The recording holds a movie with "release_date": "" and null images.
    results = example("movie-recommendations.json")["results"]
    data = next(item for item in results if item["release_date"] == "")

    movie = MovieSummary.from_json(data)

    assert movie.release_date is None
    assert movie.title == data["title"]


@pytest.mark.parametrize("value", ["", None, "2024-13-45", "soon"])
def test_unknown_or_malformed_release_date_is_none(value) -> None:
    assert MovieSummary.from_json({"id": 1, "release_date": value}).release_date is None


def test_missing_and_null_fields_become_none() -> None:
    movie = MovieSummary.from_json({"id": 1, "title": None, "genre_ids": None})

    assert movie.id == 1
    assert movie.genre_ids == ()
    assert all(
        getattr(movie, field.name) is None
        for field in dataclasses.fields(movie)
        if field.name not in ("id", "genre_ids")
    )


def test_integer_scores_become_floats() -> None:
    movie = MovieSummary.from_json({"id": 1, "popularity": 6, "vote_average": 0})

    assert (movie.popularity, movie.vote_average) == (6.0, 0.0)
    assert isinstance(movie.vote_average, float)


def test_id_is_required() -> None:
    with pytest.raises(KeyError):
        MovieSummary.from_json({"title": "No id"})


def test_movie_details_from_the_recording() -> None:
    movie = MovieDetails.from_json(example("movie-details.json"))

    assert isinstance(movie, MovieSummary)
    assert movie.genres == (Genre(id=18, name="Drama"),)
    assert movie.genre_ids == (18,)
    assert (movie.runtime, movie.status, movie.tagline) == (
        139,
        "Released",
        "Mischief. Mayhem. Soap.",
    )
    assert (movie.budget, movie.revenue) == (63000000, 100853753)
    assert movie.homepage == "http://www.foxmovies.com/movies/fight-club"
    assert movie.imdb_id == "tt0137523"
    assert movie.release_date == datetime.date(1999, 10, 15)


def test_movie_details_tolerates_missing_fields() -> None:
    movie = MovieDetails.from_json({"id": 2, "genres": None})

    assert (movie.genres, movie.genre_ids) == ((), ())
    assert movie.runtime is movie.imdb_id is movie.homepage is None


def test_genre() -> None:
    assert Genre.from_json({"id": 28, "name": "Action"}) == Genre(id=28, name="Action")


def test_page_of_changed_items() -> None:
    data = example("movie-all-changes.json")

    page = Page.from_json(data, ChangedItem.from_json)

    assert (page.page, page.total_pages, page.total_results) == (1, 62, 6140)
    assert len(page.results) == 100
    assert page.results[0] == ChangedItem(id=118488, adult=False)
    # Some entries carry "adult": null.
    assert {item.adult for item in page.results} == {False, True, None}


def test_page_without_results_is_empty() -> None:
    page = Page.from_json({"page": 1, "total_pages": 0, "total_results": 0}, Genre.from_json)

    assert page.results == ()


def test_values_are_frozen() -> None:
    movie = MovieSummary.from_json({"id": 1})

    with pytest.raises(dataclasses.FrozenInstanceError):
        movie.title = "Changed"  # type: ignore[misc]
