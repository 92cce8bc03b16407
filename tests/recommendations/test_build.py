"""Building the neighbour table (services.neighbour_table_build, ``manage.py
build_recommendations``), switching builds safely, and the settings' system checks."""

from io import StringIO

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command

from catalog.models import Movie
from favorites.models import FavoriteMovie
from recommendations import selectors, services
from recommendations.checks import check_recommendations_settings
from recommendations.engine import build_neighbours
from recommendations.models import NeighbourList, RecommenderBuild
from recommendations.packing import pack, unpack
from tests.catalog.factories import GenreFactory, MovieFactory
from tests.favorites.factories import FavoriteMovieFactory
from tests.recommendations.conftest import Planted

pytestmark = pytest.mark.django_db


def neighbours(build, movie) -> list[tuple[int, float]]:
    """(neighbour id, score) of the movie's stored list, in stored order."""
    row = NeighbourList.objects.filter(build=build, movie=movie).first()
    if row is None:
        return []
    ids, scores = unpack(row.neighbours, row.scores)
    return list(zip(ids.tolist(), scores.tolist(), strict=True))


def neighbour_ids(build, movie) -> list[int]:
    return [neighbour for neighbour, _ in neighbours(build, movie)]


def stored_pairs(build) -> int:
    return sum(len(neighbour_ids(build, row.movie_id))
               for row in NeighbourList.objects.filter(build=build))  # fmt: skip


def test_build_writes_the_table_and_sets_its_counters(planted, settings):
    settings.RECOMMENDATIONS = {"NEIGHBOURS": 4}
    MovieFactory(overview="")  # no fans, no genres, no overview: no neighbours

    build = services.neighbour_table_build()

    build.refresh_from_db()
    rows = NeighbourList.objects.filter(build=build)
    assert build.completed_at is not None
    assert build.movies == Movie.objects.count() == 7
    assert build.favorites == FavoriteMovie.objects.count() == 24
    assert rows.count() == 6  # one list per movie with neighbours: not the fan-less one
    assert build.pairs == stored_pairs(build) == 12  # each planted movie: its two co-favorites
    assert build.seconds > 0
    assert build.params["k"] == 4 and build.params["alpha"] == 0.75
    assert set(neighbour_ids(build, planted.a)) == {planted.b.id, planted.c.id}
    for row in rows:
        listed = neighbours(build, row.movie_id)
        assert row.movie_id not in {n for n, _ in listed}
        assert [s for _, s in listed] == sorted((s for _, s in listed), reverse=True)  # best first
    assert selectors.current_build_id() == build.pk


def test_build_keeps_k_neighbours_per_movie(settings, db):
    settings.RECOMMENDATIONS = {"NEIGHBOURS": 3}
    genre = GenreFactory()
    MovieFactory.create_batch(8, genres=[genre])

    build = services.neighbour_table_build()

    assert build.pairs == 8 * 3
    for movie in Movie.objects.all():
        assert len(neighbour_ids(build, movie)) == 3


def test_rebuild_keeps_one_previous_build_and_deletes_older_ones(planted):
    first = services.neighbour_table_build()
    second = services.neighbour_table_build()
    kept_both = set(NeighbourList.objects.values_list("build_id", flat=True))
    third = services.neighbour_table_build()

    assert first.pk < second.pk < third.pk
    assert kept_both == {first.pk, second.pk}
    assert list(RecommenderBuild.objects.values_list("pk", flat=True)) == [third.pk, second.pk]
    assert set(NeighbourList.objects.values_list("build_id", flat=True)) == {second.pk, third.pk}
    assert stored_pairs(third) == third.pairs == first.pairs
    assert selectors.current_build_id() == third.pk


def test_current_build_switches_only_after_completion(planted, monkeypatch):
    previous = services.neighbour_table_build()
    seen = []
    write = services._write

    def observed_write(build_id, neighbours):
        count = write(build_id, neighbours)
        seen.append(("cached", selectors.current_build_id()))
        cache.delete(selectors.CURRENT_BUILD_KEY)  # another process with a cold cache
        seen.append(("database", selectors.current_build_id()))
        seen.append(("pairs", stored_pairs(previous)))
        return count

    monkeypatch.setattr(services, "_write", observed_write)
    build = services.neighbour_table_build()

    assert seen == [("cached", previous.pk), ("database", previous.pk), ("pairs", previous.pairs)]
    assert selectors.current_build_id() == build.pk
    cache.delete(selectors.CURRENT_BUILD_KEY)
    assert selectors.current_build_id() == build.pk


def test_failed_build_leaves_the_previous_one_served(planted, monkeypatch):
    previous = services.neighbour_table_build()

    def broken_write(build_id, neighbours):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write", broken_write)
    with pytest.raises(RuntimeError):
        services.neighbour_table_build()

    assert selectors.current_build_id() == previous.pk
    cache.delete(selectors.CURRENT_BUILD_KEY)
    assert selectors.current_build_id() == previous.pk
    assert stored_pairs(previous) == previous.pairs

    monkeypatch.undo()
    recovered = services.neighbour_table_build()
    # The failed build's record is gone; the previous one is kept as the fallback.
    builds = list(RecommenderBuild.objects.values_list("pk", flat=True))
    assert builds == [recovered.pk, previous.pk]


def test_build_with_no_favorites_uses_content_only(db):
    drama, comedy = GenreFactory(), GenreFactory()
    dramas = MovieFactory.create_batch(3, genres=[drama], overview="")  # genres and years only
    comedies = MovieFactory.create_batch(2, genres=[comedy], overview="")

    build = services.neighbour_table_build()

    assert build.favorites == 0 and build.movies == 5
    assert build.pairs == 3 * 2 + 2 * 1
    assert set(neighbour_ids(build, dramas[0])) == {dramas[1].id, dramas[2].id}
    assert neighbour_ids(build, comedies[0]) == [comedies[1].id]


def test_build_with_an_empty_catalog(db):
    build = services.neighbour_table_build()

    assert (build.movies, build.favorites, build.pairs) == (0, 0, 0)
    assert selectors.current_build_id() == build.pk


def test_build_command_prints_a_summary(planted):
    out, err = StringIO(), StringIO()

    call_command("build_recommendations", stdout=out, stderr=err)

    build = RecommenderBuild.objects.get()
    assert out.getvalue().startswith(
        f"Build {build.pk}: 12 neighbour pairs for 6 movies from 24 favorites in "
    )
    assert out.getvalue().rstrip().endswith("s.")
    assert "read 6 movies and 24 favorites" in err.getvalue()
    assert f"build {build.pk} is current" in err.getvalue()


def test_build_writes_one_row_per_movie_in_batches(planted, django_assert_num_queries):
    """The write is a few INSERTs, not one per movie or per pair."""
    build = RecommenderBuild.objects.create()
    computed = build_neighbours(
        [(1, planted.a.id), (1, planted.b.id), (2, planted.a.id), (2, planted.c.id)],
        [planted.a.id, planted.b.id, planted.c.id],
    )

    with django_assert_num_queries(2):  # batches of 2 rows: 3 lists
        pairs = services._write(build.pk, computed, batch=2)

    assert pairs == 4  # a ~ b, a ~ c, b ~ a, c ~ a
    assert NeighbourList.objects.filter(build=build).count() == 3


def test_neighbour_lists_round_trip_ids_and_scores(db):
    """Ids past 32 bits and scores keep their values (float32) on either database."""
    build = RecommenderBuild.objects.create()
    ids = np.array([2**40 + 1, 7, 3], dtype=np.int64)
    scores = np.array([12.5, 0.123456789, 1e-07])
    packed_ids, packed_scores = pack(ids, scores)
    NeighbourList.objects.create(
        build=build, movie_id=5, neighbours=packed_ids, scores=packed_scores
    )

    lists = selectors.neighbour_lists(build_id=build.pk, movie_ids=[5, 6])

    assert list(lists) == [5]
    stored_ids, stored_scores = lists[5]
    assert stored_ids.tolist() == ids.tolist()
    assert stored_scores.tolist() == scores.astype(np.float32).astype(np.float64).tolist()


# System checks -------------------------------------------------------------------------------


def error_ids(settings, value) -> list[str]:
    settings.RECOMMENDATIONS = value
    return [error.id for error in check_recommendations_settings(None)]


def test_checks_accept_the_defaults_and_valid_overrides(settings):
    assert error_ids(settings, {}) == []
    assert error_ids(settings, {"NEIGHBOURS": 20, "ALPHA": 0, "SHRINK": 0}) == []
    assert error_ids(settings, {"ALPHA": 1, "CACHE_TIMEOUT": 0.5}) == []


def test_checks_reject_unknown_settings(settings):
    assert error_ids(settings, {"NEIGHBOURS": 10, "NEIGHBORS": 10}) == ["recommendations.E001"]


@pytest.mark.parametrize(
    "value",
    [
        {"NEIGHBOURS": 0},
        {"MAX_RESULTS": -5},
        {"CACHE_TIMEOUT": "900"},
        {"POPULAR_WINDOW_DAYS": None},
        {"NEIGHBOURS": 2.5},
        {"MAX_RESULTS": 20.0},
        {"ERA_YEARS": 0},
    ],
)
def test_checks_reject_non_positive_settings(settings, value):
    assert error_ids(settings, value) == ["recommendations.E002"]


@pytest.mark.parametrize("alpha", [-0.1, 1.5, "0.5", None])
def test_checks_reject_alpha_outside_zero_one(settings, alpha):
    assert error_ids(settings, {"ALPHA": alpha}) == ["recommendations.E003"]


def test_checks_are_registered(settings):
    from django.core.checks import run_checks

    settings.RECOMMENDATIONS = {"ALPHA": 2}

    assert "recommendations.E003" in [error.id for error in run_checks()]


# The community prior


def write_prior(path, rows) -> None:
    path.write_text("user_id,tmdb_id\n" + "".join(f"{u},{t}\n" for u, t in rows))


def test_build_blends_the_community_prior_mapped_by_tmdb_id(settings, tmp_path, db):
    # No overviews: random words shared by two of them would make content neighbours.
    a, b, c = (MovieFactory(tmdb_id=t, overview="") for t in (1, 2, 3))
    write_prior(tmp_path / "prior.csv", [(7, 1), (7, 2), (8, 1), (8, 2), (8, 999)])  # 999: unknown
    settings.RECOMMENDATIONS = {"PRIOR_FILE": str(tmp_path / "prior.csv"), "PRIOR_FADE": 10.0}

    build = services.neighbour_table_build()

    assert neighbour_ids(build, a) == [b.id]
    assert neighbour_ids(build, c) == []
    assert build.favorites == 0
    assert build.params["prior_favorites"] == 4
    assert build.params["prior_weight"] == 1.0  # no site favorites yet: the full weight


def test_community_prior_fades_as_site_favorites_grow(settings, tmp_path, db):
    MovieFactory(tmdb_id=1)
    write_prior(tmp_path / "prior.csv", [(7, 1)])
    settings.RECOMMENDATIONS = {
        "PRIOR_FILE": str(tmp_path / "prior.csv"), "PRIOR_WEIGHT": 2.0, "PRIOR_FADE": 100.0,
    }  # fmt: skip

    weights = [services.community_prior(site_favorites=n)[1] for n in (0, 100, 900)]

    assert weights == [2.0, 1.0, 0.2]


def test_community_prior_is_off_by_default_and_the_bundled_file_loads(settings, db):
    assert services.community_prior(site_favorites=0) == ([], 0.0)
    MovieFactory(tmdb_id=862)  # Toy Story
    settings.RECOMMENDATIONS = {"PRIOR_FILE": "prior/movielens-cofavorites.csv.gz"}

    prior, weight = services.community_prior(site_favorites=0)

    assert len(prior) > 100 and weight == 1.0
    assert {movie for _, movie in prior} == {Movie.objects.get().pk}


def test_prior_file_that_is_missing_is_a_check_error(settings, tmp_path):
    settings.RECOMMENDATIONS = {"PRIOR_FILE": str(tmp_path / "nope.csv")}

    assert [m.id for m in check_recommendations_settings(None)] == ["recommendations.E005"]


def build_if_stale() -> str:
    out = StringIO()
    call_command("build_recommendations", "--if-stale", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_build_recommendations_if_stale_builds_once_while_nothing_changes(planted):
    assert build_if_stale().startswith("Build ")
    assert build_if_stale() == "The neighbour table is up to date: not rebuilt.\n"
    assert RecommenderBuild.objects.count() == 1


def test_build_recommendations_reads_its_inputs_once(planted, monkeypatch):
    """The digest recorded is that of the very inputs the build computed from."""
    reads = []
    real = services.build_inputs

    def counted():
        reads.append(real())
        return reads[-1]

    monkeypatch.setattr(services, "build_inputs", counted)

    assert build_if_stale().startswith("Build ")

    assert len(reads) == 1
    assert services.served_build_digest() == services.build_inputs_digest(reads[0])


def drop_a_favorite(planted: Planted) -> None:
    FavoriteMovie.objects.filter(movie=planted.a).first().delete()


def change_a_year(planted: Planted) -> None:
    Movie.objects.filter(pk=planted.a.pk).update(release_year=1901)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: FavoriteMovieFactory(movie=p.a), id="a new favorite"),
        pytest.param(drop_a_favorite, id="a removed favorite"),
        pytest.param(lambda p: MovieFactory(), id="a new movie"),
        pytest.param(lambda p: p.a.genres.add(GenreFactory()), id="a movie's genres"),
        pytest.param(change_a_year, id="a release year"),
        pytest.param(
            lambda p: Movie.objects.filter(pk=p.a.pk).update(overview="New."), id="an overview"
        ),
    ],
)
def test_build_recommendations_if_stale_rebuilds_when_its_inputs_change(planted, change):
    build_if_stale()

    change(planted)

    assert build_if_stale().startswith("Build ")
    assert build_if_stale().startswith("The neighbour table is up to date")


def test_build_recommendations_if_stale_rebuilds_when_settings_or_the_prior_change(
    planted, settings, tmp_path
):
    prior = tmp_path / "prior.csv"
    prior.write_text(f"user_id,tmdb_id\n1,{planted.a.tmdb_id}\n")
    build_if_stale()

    settings.RECOMMENDATIONS = {"NEIGHBOURS": 5}
    rebuilt_for_settings = build_if_stale()
    settings.RECOMMENDATIONS = {"NEIGHBOURS": 5, "PRIOR_FILE": str(prior)}
    rebuilt_for_prior = build_if_stale()
    prior.write_text(f"user_id,tmdb_id\n1,{planted.b.tmdb_id}\n")
    rebuilt_for_new_file = build_if_stale()

    assert [rebuilt_for_settings[:6], rebuilt_for_prior[:6], rebuilt_for_new_file[:6]] == [
        "Build "
    ] * 3


def test_a_build_without_a_digest_is_stale(planted):
    build_if_stale()
    RecommenderBuild.objects.update(params={})

    assert build_if_stale().startswith("Build ")


def test_build_reports_progress_for_every_movie(planted):
    done = []

    build = services.neighbour_table_build(on_progress=done.append)

    assert sum(done) == build.movies == 6


def test_build_input_is_weighted_interactions(planted):
    """The build reads (user, movie, weight) triples: favorites weigh 1 (ratings may come
    later through the same function)."""
    triples = list(services.interactions())

    assert len(triples) == 24
    assert {weight for _, _, weight in triples} == {1.0}


@pytest.mark.parametrize("with_overviews", [True, False])
def test_build_uses_the_catalogs_overviews_for_a_movie_without_fans(
    planted, monkeypatch, with_overviews
):
    genre = GenreFactory()
    for movie in (planted.a, planted.b, planted.c, planted.d, planted.e, planted.f):
        movie.genres.add(genre)
    planted.e.overview = "Regency matchmaking in a village, misunderstandings and a ball."
    planted.e.save()
    lonely = MovieFactory(genres=[genre], overview="A village matchmaking comedy ending at a ball.")

    if not with_overviews:
        monkeypatch.setattr(services, "movie_overviews", dict)

    build = services.neighbour_table_build()

    assert (neighbour_ids(build, lonely)[0] == planted.e.id) == with_overviews
