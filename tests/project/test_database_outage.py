"""PostgreSQL unreachable mid-run: requests fail cleanly (JSON 503) and recover on their own,
without restarting the app. The outage is real at the network level: the app reaches
PostgreSQL through a TCP relay that this test cuts (closing live connections, refusing new
ones) and then restores; the PostgreSQL server itself is left alone."""

import contextlib
import socket
import threading

import pytest
import requests
from django.db import connection
from django.urls import reverse
from rest_framework_simplejwt.tokens import RefreshToken

from tests.catalog.factories import MovieFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


class Relay:
    """A TCP relay to the database that can be cut and restored."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


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

    for response in during:
        assert response.status_code == 503, response.text
        assert response.json() == {"detail": "Service temporarily unavailable, try again later."}
    assert health.status_code == 503 and health.json()["database"] == "error"

    assert get(detail).status_code == 200  # served from the cache meanwhile

    relay.restore()
    assert get(reverse("catalog:movie-detail", args=[uncached.id])).status_code == 200
    assert get(favorites, auth=True).status_code == 200
    assert get(reverse("health")).status_code == 200
