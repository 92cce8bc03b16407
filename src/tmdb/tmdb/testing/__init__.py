"""Test support shipped with the client, as ``django.test`` ships with Django: a fake TMDB
server (``tmdb.testing.server``) serving TMDB's recorded responses (``examples/``), for the
tests and benchmarks of code that calls TMDB. Standard library only: no Django, no ORM."""
