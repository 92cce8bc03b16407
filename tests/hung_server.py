"""A TCP server that accepts connections and never answers (a hung TMDB, SMTP relay...)."""

import contextlib
import socket
import threading


class HungServer:
    """Accepts connections on 127.0.0.1 and holds them without a word; ``accepted`` counts
    them. ``close`` frees the port at once (for a real server to take over)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.listener.accept()[0])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept(): the port is free
        self.listener.close()
        for connection in self.accepted:
            connection.close()
