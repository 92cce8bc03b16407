"""Cached list/detail responses, and their invalidation when the catalog changes."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import cache as cache_keys
from catalog import services
from core import versioned_cache
from tests.catalog.factories import GenreFactory, MovieFactory, tmdb_summary

LIST = reverse("catalog:movie-list")

pytestmark = pytest.mark.django_db(transaction=True)


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_repeated_list_request_is_served_from_cache(api_client):
    MovieFactory.create_batch(3)
    first = api_client.get(LIST, {"page_size": 2})

    assert count_queries(lambda: api_client.get(LIST, {"page_size": 2})) == 0
    assert api_client.get(LIST, {"page_size": 2}).json() == first.json()


def test_cache_key_covers_every_query_parameter(api_client):
    MovieFactory(title="Alpha", popularity=1)
    MovieFactory(title="Beta", popularity=2)

    by_title = api_client.get(LIST, {"ordering": "title"}).json()["results"]
    by_default = api_client.get(LIST).json()["results"]

    assert [m["title"] for m in by_title] == ["Alpha", "Beta"]
    assert [m["title"] for m in by_default] == ["Beta", "Alpha"]


def test_sync_invalidates_cached_list_and_detail(api_client):
    movie = MovieFactory(tmdb_id=603, title="Old title")
    detail = reverse("catalog:movie-detail", args=[movie.id])
    api_client.get(LIST)
    api_client.get(detail)

    services.movies_upsert([tmdb_summary(603, "The Matrix")])

    assert api_client.get(LIST).json()["results"][0]["title"] == "The Matrix"
    assert api_client.get(detail).json()["title"] == "The Matrix"


def test_admin_style_save_and_delete_invalidate(api_client):
    movie = MovieFactory(title="Before")
    api_client.get(LIST)

    movie.title = "After"
    movie.save()
    assert api_client.get(LIST).json()["results"][0]["title"] == "After"

    movie.delete()
    assert api_client.get(LIST).json()["count"] == 0


def test_genre_change_invalidates_detail(api_client):
    movie = MovieFactory()
    detail = reverse("catalog:movie-detail", args=[movie.id])
    api_client.get(detail)

    movie.genres.add(GenreFactory(name="Noir"))

    assert api_client.get(detail).json()["genres"][0]["name"] == "Noir"


@pytest.fixture
def cache_calls(monkeypatch) -> list[str]:
    """The names of the default cache's calls, in order (each is one round trip to Redis)."""
    calls: list[str] = []
    depth = [0]  # local memory's get_many calls get: count the outer call only
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "incr", "delete"):
        method = getattr(backend, name)

        def spy(*args, _name=name, _method=method, **kwargs):
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _method(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(backend, name, spy)
    return calls


@pytest.mark.parametrize("endpoint", ["movie-list", "genre-list", "movie-detail"])
def test_cached_read_is_one_cache_round_trip(api_client, cache_calls, endpoint):
    movie = MovieFactory()
    args = [movie.id] if endpoint == "movie-detail" else []
    url = reverse(f"catalog:{endpoint}", args=args)
    api_client.get(url)
    cache_calls.clear()

    assert count_queries(lambda: api_client.get(url)) == 0
    assert cache_calls == ["get_many"]


def test_uncached_list_reads_the_version_with_each_entry(api_client, cache_calls, throttle_rates):
    throttle_rates(anon=None)  # the anonymous count lives in the throttle cache (Redis: its own)
    MovieFactory()
    versioned_cache.read([cache_keys.CATALOG])  # the version exists, as in steady state
    cache_calls.clear()

    api_client.get(LIST)

    # The page's entry, then the count's, each with the version; then both are stored.
    assert cache_calls == ["get_many", "get_many", "set", "set"]


def test_list_read_before_a_bump_is_not_served_after_it(api_client, monkeypatch):
    MovieFactory()
    store = versioned_cache.Snapshot.store

    def bump_then_store(*args, **kwargs):  # a sync commits after the page's rows were read
        cache_keys.CATALOG.bump()
        store(*args, **kwargs)

    monkeypatch.setattr(versioned_cache.Snapshot, "store", bump_then_store)
    api_client.get(LIST)
    monkeypatch.setattr(versioned_cache.Snapshot, "store", store)

    assert count_queries(lambda: api_client.get(LIST)) == 2  # the count and the page, again


def test_a_cached_page_carries_no_other_readers_parameters(api_client):
    """#26, finding 4: unknown parameters share the entry, so the stored body must not keep
    links built from the request that filled it (1,400 junk characters made every reader's
    ``next`` a URL nginx refuses with a 414)."""
    MovieFactory.create_batch(3)
    page = {"page_size": 1, "page": 2}
    alone = api_client.get(LIST, page)  # what this request is answered when it fills the entry
    cache.clear()
    junk = "x" * 1400

    filler = api_client.get(LIST, {**page, "utm_content": junk})
    assert filler.status_code == 200 and junk not in filler.content.decode()
    with CaptureQueriesContext(connection) as queries:
        reader = api_client.get(LIST, page)

    assert len(queries) == 0  # the entry the junk request filled
    assert reader.content == alone.content
    body = reader.json()
    assert body["next"].endswith("?page=3&page_size=1")
    assert body["previous"].endswith("?page_size=1")
    assert reader["ETag"] == filler["ETag"]  # one entry, one body: one tag


def test_a_repeated_parameter_is_read_and_cached_as_its_last_value(api_client):
    """The filters read a parameter's last value: requests that differ only in the order of
    one parameter's values ask for different pages, and share no entry."""
    MovieFactory(title="Alpha", popularity=1)
    MovieFactory(title="Beta", popularity=2)

    def titles(query: str) -> list[str]:
        return [movie["title"] for movie in api_client.get(f"{LIST}?{query}").json()["results"]]

    assert titles("ordering=-title&ordering=title") == ["Alpha", "Beta"]
    assert titles("ordering=title&ordering=-title") == ["Beta", "Alpha"]
