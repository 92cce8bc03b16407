"""PostgreSQL unreachable or hung mid-run: requests fail cleanly (JSON 503), within a bound when
it hangs, cached answers keep flowing, and the app recovers on its own, without a restart. The
outage is real at the network level: the app reaches PostgreSQL through a TCP relay
(core.testing) that these tests cut (closing live connections, refusing new ones) or pause
(nothing forwarded) and then restore; the PostgreSQL server itself is left alone."""

import time

import pytest
import requests
from django.db import connection
from django.urls import reverse
from psycopg2 import extensions
from rest_framework_simplejwt.tokens import RefreshToken

from core import postgres
from core.testing import Relay
from tests.catalog.factories import MovieFactory
from tests.favorites.factories import FavoriteMovieFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def relay():
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"])
    relay = Relay(original[0] or "127.0.0.1", int(original[1] or 5432))
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", relay.port
    yield relay
    relay.restore()
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = original
    relay.close()


def test_database_outage_is_503_json_and_recovers(live_server, relay, user):
    """Through a real server thread: Django's request cycle (not the test client, which keeps
    one connection for its transaction) drops the broken connection and reconnects."""
    movie, uncached = MovieFactory(), MovieFactory()
    token = RefreshToken.for_user(user).access_token
    session = requests.Session()

    def get(path: str, auth: bool = False) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if auth else {}
        return session.get(f"{live_server.url}{path}", headers=headers, timeout=10)

    detail = reverse("catalog:movie-detail", args=[movie.id])
    favorites = reverse("favorites:favorite-movie-list")
    assert get(detail).status_code == 200

    relay.cut()
    during = [
        get(reverse("catalog:movie-detail", args=[uncached.id])),  # the cached one still answers
        get(favorites, auth=True),  # authentication itself needs the database
    ]
    health = get(reverse("health"))
    ready, live = get(reverse("health-ready")), get(reverse("health-live"))

    for response in during:
        assert response.status_code == 503, response.text
        assert response.json() == {"detail": "Service temporarily unavailable, try again later."}
    assert health.status_code == 503 and health.json()["database"] == "error"
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
    assert live.status_code == 200  # the process answers: nothing to restart

    assert get(detail).status_code == 200  # served from the cache meanwhile

    relay.restore()
    assert get(reverse("catalog:movie-detail", args=[uncached.id])).status_code == 200
    assert get(favorites, auth=True).status_code == 200
    assert get(reverse("health")).status_code == 200


@pytest.fixture
def bounded_waits(settings):
    """What the web processes run (config/wsgi.py), with short bounds."""
    settings.DATABASE_TIMEOUT = 1.0
    settings.DATABASE_BREAKER_RESET_SECONDS = 1.0
    postgres.bound_waits()
    yield
    extensions.set_wait_callback(None)


def test_a_hung_database_is_a_503_and_cached_answers_keep_flowing(
    live_server, relay, user, bounded_waits
):
    """Paused, not cut: connections are accepted and nothing is answered. Unbounded, a request
    that needs the database waits until the client gives up (here 10 s)."""
    movie, uncached = MovieFactory(), MovieFactory()
    kept = FavoriteMovieFactory(user=user)  # written before the hang
    token = RefreshToken.for_user(user).access_token
    session = requests.Session()

    def call(method: str, path: str, auth: bool = False, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if auth else {}
        url = f"{live_server.url}{path}"
        return session.request(method, url, headers=headers, timeout=10, **kwargs)

    detail = reverse("catalog:movie-detail", args=[movie.id])
    favorites = reverse("favorites:favorite-movie-list")
    assert call("GET", detail).status_code == 200
    assert call("GET", favorites, auth=True).status_code == 200

    relay.pause()
    during = [
        call("GET", reverse("catalog:movie-detail", args=[uncached.id])),  # waits, times out
        call("GET", reverse("catalog:movie-detail", args=[uncached.id])),  # fails fast
        call("POST", favorites, auth=True, json={"movie_id": uncached.id}),
    ]
    cached = [call("GET", detail), call("GET", favorites, auth=True)]

    for response in during:
        assert response.status_code == 503, response.text
        assert response.json() == {"detail": "Service temporarily unavailable, try again later."}
    assert [response.status_code for response in cached] == [200, 200]

    relay.restore()
    time.sleep(1.1)  # past DATABASE_BREAKER_RESET_SECONDS
    assert call("GET", reverse("catalog:movie-detail", args=[uncached.id])).status_code == 200
    listed = call("GET", favorites, auth=True).json()["results"]
    assert [item["movie"]["id"] for item in listed] == [kept.movie_id]
