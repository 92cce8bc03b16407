"""Plays as recommendation signals (RECOMMENDATIONS['BUILD_SIGNALS'] / ['USER_SIGNALS'] /
['USER_NAMESPACES']): a watched movie is never recommended again, and a positive weaker than a
favorite (HISTORY['SIGNAL_WEIGHT']), in the build and in the user's picks."""

import datetime

import pytest
from django.urls import reverse

from history.conf import DEFAULTS
from history.models import Play
from history.selectors import play_signals, user_play_signals
from recommendations.services import neighbour_table_build
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.history.factories import PlayFactory

RECOMMENDATIONS = reverse("recommendations:recommendation-list")
WEIGHT = DEFAULTS["SIGNAL_WEIGHT"]
HISTORY = reverse("history:play-list")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_groups():
    """Movies a, b, c favorited together by four users, and d, e, f by four others."""
    movies = [MovieFactory(title=t, popularity=1.0) for t in ("A", "B", "C", "D", "E", "F")]
    for group in (movies[:3], movies[3:]):
        for fan in UserFactory.create_batch(4):
            for movie in group:
                FavoriteMovieFactory(user=fan, movie=movie)
    return movies


def personal(client) -> list[dict]:
    items = client.get(RECOMMENDATIONS, {"page_size": 100}).json()["results"]
    return [i for i in items if i["reason"].startswith("Because")]


def test_a_watched_movie_is_never_recommended_and_comes_back_when_its_play_goes(two_groups, user):
    a, b, *_ = two_groups
    FavoriteMovieFactory(user=user, movie=a)
    neighbour_table_build()
    client = client_for(user)
    assert b.id in [i["id"] for i in personal(client)]  # cached now

    play = client.post(HISTORY, {"movie_id": b.id}, format="json").json()
    assert b.id not in [i["id"] for i in client.get(RECOMMENDATIONS).json()["results"]]

    client.delete(f"{HISTORY}{play['id']}/")
    assert b.id in [i["id"] for i in personal(client)]


def test_a_watched_movie_seeds_picks_weaker_than_a_favorite(two_groups, user):
    a, b, c, d, e, f = two_groups
    FavoriteMovieFactory(user=user, movie=a)
    PlayFactory(user=user, movie=d)
    PlayFactory(user=user, movie=d, rewatch=True)  # played twice: still one seed
    neighbour_table_build()

    picks = personal(client_for(user))

    assert {i["id"] for i in picks[:2]} == {b.id, c.id}
    assert {i["id"] for i in picks[2:4]} == {e.id, f.id}
    by_id = {i["id"]: i["score"] for i in picks}
    assert by_id[e.id] == pytest.approx(WEIGHT * by_id[b.id], rel=0.05)
    assert picks[2]["reason"] == "Because you liked D"


def test_with_weight_0_a_watched_movie_is_known_but_seeds_nothing(two_groups, user, settings):
    settings.HISTORY = {"SIGNAL_WEIGHT": 0}
    d = two_groups[3]
    PlayFactory(user=user, movie=d)
    neighbour_table_build()

    items = client_for(user).get(RECOMMENDATIONS, {"page_size": 100}).json()["results"]

    assert not [i for i in items if i["reason"].startswith("Because")]
    assert d.id not in [i["id"] for i in items]


def test_plays_feed_the_build_once_per_user_and_movie(user):
    """Two movies only ever watched together become neighbours."""
    one, two, three = MovieFactory(), MovieFactory(), MovieFactory()
    for viewer in UserFactory.create_batch(3):
        PlayFactory(user=viewer, movie=one)
        PlayFactory(user=viewer, movie=one, watched_on=datetime.date(2024, 6, 1))
        PlayFactory(user=viewer, movie=two)
    FavoriteMovieFactory(user=user, movie=one)

    neighbour_table_build()

    ids = [i["id"] for i in personal(client_for(user))]
    assert ids[:1] == [two.id]
    assert three.id not in ids
    pairs = set(Play.objects.values_list("user_id", "movie_id"))
    assert sorted(play_signals()) == sorted((viewer, movie, WEIGHT) for viewer, movie in pairs)


def test_user_play_signals_are_latest_watched_first_undated_last(user):
    old, new, undated = MovieFactory(), MovieFactory(), MovieFactory()
    PlayFactory(user=user, movie=undated, watched_on=None)
    PlayFactory(user=user, movie=old, watched_on=datetime.date(2020, 1, 1))
    PlayFactory(user=user, movie=new, watched_on=datetime.date(2024, 1, 1))
    PlayFactory(user=user, movie=old, watched_on=datetime.date(2021, 1, 1))
    PlayFactory(movie=new)  # someone else's

    assert user_play_signals(user_id=user.id) == [
        (new.id, WEIGHT),
        (old.id, WEIGHT),
        (undated.id, WEIGHT),
    ]
