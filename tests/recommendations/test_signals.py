"""The other apps' signals in the recommendations: ratings (liked movies seed the picks and
feed the build, disliked ones are never recommended) and the watchlist (excluded: the user
already means to watch it), through RECOMMENDATIONS['USER_SIGNALS'] / ['BUILD_SIGNALS']."""

from decimal import Decimal

import pytest
from django.urls import reverse

from recommendations import sources
from recommendations.services import neighbour_table_build
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.ratings.factories import RatingFactory
from tests.watchlist.factories import WatchlistItemFactory

RECOMMENDATIONS = reverse("recommendations:recommendation-list")
WATCHLIST = reverse("watchlist:watchlist-item-list")

pytestmark = pytest.mark.django_db(transaction=True)


def recommended(client) -> list[dict]:
    return client.get(RECOMMENDATIONS, {"page_size": 100}).json()["results"]


def personal_ids(client) -> list[int]:
    return [i["id"] for i in recommended(client) if i["reason"].startswith("Because")]


def test_watchlisted_movies_are_excluded_and_come_back_when_removed(planted, user):
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    client = client_for(user)
    assert planted.b.id in personal_ids(client)  # cached now

    added = client.post(WATCHLIST, {"movie_id": planted.b.id}, format="json").json()
    assert planted.b.id not in [i["id"] for i in recommended(client)]

    client.delete(f"{WATCHLIST}{added['id']}/")
    assert planted.b.id in personal_ids(client)


def test_a_liked_rating_seeds_recommendations_like_a_favorite(planted, user):
    neighbour_table_build()
    client = client_for(user)
    url = reverse("ratings:movie-rating", args=[planted.a.id])

    assert client.put(url, {"value": 9}, format="json").status_code == 201

    picks = [i for i in recommended(client) if i["reason"].startswith("Because")]
    assert {planted.b.id, planted.c.id} <= {i["id"] for i in picks}
    assert picks[0]["reason"] == "Because you liked Alien"
    assert planted.a.id not in [i["id"] for i in recommended(client)]  # rated: known


def test_a_disliked_or_middling_rating_seeds_nothing_and_is_never_recommended(planted, user):
    neighbour_table_build()
    client = client_for(user)
    client.put(reverse("ratings:movie-rating", args=[planted.a.id]), {"value": 2}, format="json")
    client.put(reverse("ratings:movie-rating", args=[planted.d.id]), {"value": 5}, format="json")

    items = recommended(client)

    assert not [i for i in items if i["reason"].startswith("Because")]
    assert not {planted.a.id, planted.d.id} & {i["id"] for i in items}


def test_liked_ratings_feed_the_build_as_favorites_do(user):
    """Two movies only ever rated highly together become neighbours; low ratings do not."""
    one, two, three = MovieFactory(), MovieFactory(), MovieFactory()
    for rater in UserFactory.create_batch(3):
        RatingFactory(user=rater, movie=one, value=Decimal("9"))
        RatingFactory(user=rater, movie=two, value=Decimal("8"))
        RatingFactory(user=rater, movie=three, value=Decimal("1"))
    FavoriteMovieFactory(user=user, movie=one)

    neighbour_table_build()

    assert personal_ids(client_for(user))[0] == two.id
    assert {movie for _, movie, _ in sources.build_positives()} == {one.id, two.id}


def test_without_the_signal_settings_ratings_and_watchlist_do_nothing(planted, user, settings):
    settings.RECOMMENDATIONS = {}
    FavoriteMovieFactory(user=user, movie=planted.a)
    WatchlistItemFactory(user=user, movie=planted.b)
    RatingFactory(user=user, movie=planted.c, value=Decimal("1"))
    neighbour_table_build()

    ids = personal_ids(client_for(user))

    assert {planted.b.id, planted.c.id} <= set(ids)
