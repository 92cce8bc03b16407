"""The watchlist, ratings, plays and hidden movies are in the user's export and go with the
account."""

from decimal import Decimal

import pytest
from django.urls import reverse

from history.models import Play
from ratings.models import Rating
from recommendations.models import HiddenMovie
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.conftest import client_for
from tests.history.factories import PlayFactory
from tests.ratings.factories import RatingFactory
from tests.watchlist.factories import WatchlistItemFactory
from watchlist.models import WatchlistItem

pytestmark = pytest.mark.django_db


def test_export_holds_watchlist_ratings_plays_and_hidden_movies(user):
    item = WatchlistItemFactory(user=user)
    play = PlayFactory(user=user, rewatch=True, note="Again.", source="trakt")
    PlayFactory()  # someone else's
    rating = RatingFactory(user=user, value=Decimal("8.5"))
    hidden = HiddenMovie.objects.create(user=user, movie=item.movie)
    WatchlistItemFactory()  # someone else's

    body = client_for(user).get(reverse("accounts:me-export")).json()

    assert body["watchlist"] == {
        "watchlist": [
            {"movie_id": item.movie_id, "title": item.movie.title,
             "added_at": item.added_at.isoformat()}
        ]
    }  # fmt: skip
    assert body["ratings"]["ratings"] == [
        {"movie_id": rating.movie_id, "title": rating.movie.title, "value": 8.5,
         "rated_at": rating.rated_at.isoformat()}
    ]  # fmt: skip
    assert body["history"]["plays"] == [
        {"movie_id": play.movie_id, "title": play.movie.title, "watched_on": "2024-05-01",
         "rewatch": True, "note": "Again.", "source": "trakt",
         "created_at": play.created_at.isoformat()}
    ]  # fmt: skip
    assert body["recommendations"]["hidden_movies"][0]["hidden_at"] == hidden.hidden_at.isoformat()


def test_deletion_removes_them_and_no_one_elses(user):
    WatchlistItemFactory(user=user)
    RatingFactory(user=user)
    PlayFactory(user=user)
    other = RatingFactory(user=UserFactory())
    others_play = PlayFactory()

    response = client_for(user).delete(
        reverse("accounts:me"), {"password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    assert not WatchlistItem.objects.exists()
    assert list(Rating.objects.all()) == [other]
    assert list(Play.objects.all()) == [others_play]
