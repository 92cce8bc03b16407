"""Fault injection for the tests and benchmarks (as ``tmdb.testing`` is for TMDB): a TCP relay in
front of a real server (PostgreSQL, Redis) that can be cut (connections closed, new ones
refused) or paused (connections accepted and kept, nothing forwarded: a hung server, as its
clients see one), and restored."""

import contextlib
import socket
import threading


class Relay:
    """Listens on a free loopback port (``port``) and forwards to ``host:port``."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.dropping = False
        self.dropped = 0  # chunks lost while dropping
        self.flowing = threading.Event()
        self.flowing.set()
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

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()  # paused: held here, as by a server that does not answer
                if self.dropping:
                    self.dropped += 1
                else:
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

    def pause(self) -> None:
        self.flowing.clear()

    def drop(self) -> None:
        """What is sent from now on is lost, the connections kept: a network whose packets TCP
        would send again only after backing off for minutes."""
        self.dropping = True

    def restore(self) -> None:
        """Back from a cut, a pause (what was held is then forwarded) or drops."""
        self.up = True
        self.dropping = False
        self.dropped = 0  # chunks lost while dropping
        self.flowing.set()

    def close(self) -> None:
        self.flowing.set()
        self.cut()
        self.listener.close()
