"""GET /api/recommendations/ and GET /api/movies/<id>/similar/: what is served, with which
reasons, how fresh, how cached, and in how many queries."""

import datetime
import time
import types

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache as django_cache
from django.core.cache.backends import locmem
from django.urls import reverse
from django.utils import timezone

from core import versioned_cache
from core.conf import installed_paths
from recommendations import selectors, services
from recommendations.cache import user_versions
from recommendations.conf import recommendations_settings
from recommendations.services import neighbour_table_build
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.conftest import client_for
from tests.favorites.factories import FavoriteMovieFactory
from tests.favorites.helpers import client_skipping_authentication, record_cache_calls

RECOMMENDATIONS = reverse("recommendations:recommendation-list")
FAVORITES = reverse("favorites:favorite-movie-list")
FIELDS = {"id", "title", "release_date", "description", "poster_path", "score", "reason"}
POPULAR_WITH_USERS = "Popular with other users"
POPULAR_ON_TMDB = "Popular on TMDB"

pytestmark = pytest.mark.django_db


def settings_module_uses_locmem() -> bool:
    return django_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def signal_sources() -> int:
    """The queries of RECOMMENDATIONS['USER_SIGNALS'] (one per installed app's source)."""
    return len(installed_paths(recommendations_settings.USER_SIGNALS))


def similar(movie_id) -> str:
    return reverse("recommendations:similar-movie-list", args=[movie_id])


def results(client, url=RECOMMENDATIONS, **params) -> list[dict]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def personal(items: list[dict]) -> list[dict]:
    return [item for item in items if item["reason"].startswith("Because you liked ")]


# Personal recommendations -------------------------------------------------------------------


def test_recommendations_are_the_neighbours_of_the_users_favorites(planted, user, auth_client):
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()

    items = results(auth_client)

    assert set(ids(personal(items))) == {planted.b.id, planted.c.id}
    assert ids(items)[:2] in ([planted.b.id, planted.c.id], [planted.c.id, planted.b.id])
    assert all(item["reason"] == "Because you liked Alien" for item in personal(items))


def test_recommendations_never_include_the_users_favorites(planted, user, auth_client):
    for movie in (planted.a, planted.b, planted.d):
        FavoriteMovieFactory(user=user, movie=movie)
    neighbour_table_build()

    items = results(auth_client, page_size=100)

    assert {planted.a.id, planted.b.id, planted.d.id}.isdisjoint(ids(items))
    assert {planted.c.id, planted.e.id, planted.f.id} <= set(ids(personal(items)))


def test_recommendation_items_have_the_spec_fields(planted, user, auth_client):
    planted.b.overview, planted.b.poster_path = "Replicants.", "/br.jpg"
    planted.b.save()
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()

    body = auth_client.get(RECOMMENDATIONS).json()

    assert set(body) == {"count", "next", "previous", "results"}
    item = next(item for item in body["results"] if item["id"] == planted.b.id)
    assert set(item) == FIELDS
    assert item["title"] == "Blade Runner"
    assert item["description"] == "Replicants."
    assert item["release_date"] == planted.b.release_date.isoformat()
    assert item["poster_path"] == "https://image.tmdb.org/t/p/w500/br.jpg"
    assert isinstance(item["score"], float) and item["score"] > 0
    assert item["reason"] == "Because you liked Alien"


def test_recommendations_are_ordered_by_score(planted, user, auth_client):
    for movie in (planted.a, planted.d):
        FavoriteMovieFactory(user=user, movie=movie)
    FavoriteMovieFactory(user=planted.fans[0], movie=planted.d)  # A's fan: D near A a little
    MovieFactory.create_batch(3, popularity=50.0)  # a top-up of popular movies follows
    neighbour_table_build()

    items = results(auth_client, page_size=100)

    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert len(personal(items)) == 4  # B, C, E, F
    assert ids(items)[: len(personal(items))] == ids(personal(items))


def test_recommendations_reason_is_the_closest_favorite(planted, user, auth_client):
    for movie in (planted.a, planted.d):
        FavoriteMovieFactory(user=user, movie=movie)
    neighbour_table_build()

    reasons = {item["id"]: item["reason"] for item in personal(results(auth_client))}

    assert reasons == {
        planted.b.id: "Because you liked Alien",
        planted.c.id: "Because you liked Alien",
        planted.e.id: "Because you liked Dirty Dancing",
        planted.f.id: "Because you liked Dirty Dancing",
    }


def test_recommendations_need_a_token(api_client):
    response = api_client.get(RECOMMENDATIONS)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "1.5"])
def test_recommendations_invalid_page_is_400(planted, auth_client, page):
    response = auth_client.get(RECOMMENDATIONS, {"page": page})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid page."}


def test_recommendations_paginate_like_the_catalog(user, auth_client):
    MovieFactory.create_batch(25)

    first = auth_client.get(RECOMMENDATIONS).json()
    second = auth_client.get(RECOMMENDATIONS, {"page": 2}).json()

    assert first["count"] == 25 and len(first["results"]) == 20
    assert first["next"].endswith("/api/recommendations/?page=2")
    assert first["previous"] is None
    assert len(second["results"]) == 5 and second["next"] is None
    assert set(ids(first["results"])).isdisjoint(ids(second["results"]))


def test_recommendations_are_at_most_max_results(planted, user, auth_client, settings):
    settings.RECOMMENDATIONS = {"MAX_RESULTS": 3}
    MovieFactory.create_batch(10)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()

    assert auth_client.get(RECOMMENDATIONS).json()["count"] == 3


# Cold start -----------------------------------------------------------------------------------


def test_cold_start_is_popular_with_users_then_on_tmdb(auth_client):
    now = timezone.now()
    loved, liked, old_hit, *_ = (
        MovieFactory(title=title, popularity=popularity)
        for title, popularity in [
            ("Loved", 1.0), ("Liked", 2.0), ("Old hit", 5.0), ("Famous", 90.0), ("Known", 40.0),
        ]
    )  # fmt: skip
    unknown = MovieFactory(title="Unknown", popularity=None)
    for _ in range(3):
        FavoriteMovieFactory(movie=loved, added_at=now - datetime.timedelta(days=1))
    FavoriteMovieFactory(movie=liked, added_at=now - datetime.timedelta(days=2))
    for _ in range(5):  # outside the 30-day window: not "popular with other users"
        FavoriteMovieFactory(movie=old_hit, added_at=now - datetime.timedelta(days=60))

    items = results(auth_client)

    assert [(item["title"], item["reason"]) for item in items] == [
        ("Loved", POPULAR_WITH_USERS),
        ("Liked", POPULAR_WITH_USERS),
        ("Famous", POPULAR_ON_TMDB),
        ("Known", POPULAR_ON_TMDB),
        ("Old hit", POPULAR_ON_TMDB),
    ]  # "Unknown" has no TMDB popularity: it is not labelled popular on TMDB
    assert unknown.id not in ids(items)
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert set(items[0]) == FIELDS


def test_cold_start_window_is_a_setting(auth_client, settings):
    settings.RECOMMENDATIONS = {"POPULAR_WINDOW_DAYS": 90}
    old_hit = MovieFactory(popularity=1.0)
    MovieFactory(popularity=99.0)
    FavoriteMovieFactory(movie=old_hit, added_at=timezone.now() - datetime.timedelta(days=60))

    first = results(auth_client)[0]

    assert (first["id"], first["reason"]) == (old_hit.id, POPULAR_WITH_USERS)


def test_user_with_favorites_before_any_build_gets_popular_movies(planted, user, auth_client):
    FavoriteMovieFactory(user=user, movie=planted.a)

    items = results(auth_client)

    assert planted.a.id not in ids(items)
    assert {item["reason"] for item in items} == {POPULAR_WITH_USERS}
    assert len(items) == 5


def test_top_up_after_personal_picks_skips_favorites_and_picks(planted, user, auth_client):
    FavoriteMovieFactory(user=user, movie=planted.a)
    famous = MovieFactory(popularity=99.0)
    neighbour_table_build()

    items = results(auth_client, page_size=100)

    assert len(ids(items)) == len(set(ids(items)))
    assert planted.a.id not in ids(items)
    assert [item["reason"] for item in items[2:5]] == [POPULAR_WITH_USERS] * 3  # D, E, F
    assert items[5]["id"] == famous.id and items[5]["reason"] == POPULAR_ON_TMDB


# Freshness and caching ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_new_favorite_counts_at_once_without_a_rebuild(planted, user):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    before = personal(results(client))

    added = client.post(FAVORITES, {"movie_id": planted.d.id}, format="json")
    after = results(client, page_size=100)

    assert added.status_code == 201
    assert planted.e.id not in ids(before)
    assert planted.d.id not in ids(after)
    reasons = {item["id"]: item["reason"] for item in personal(after)}
    assert reasons[planted.e.id] == reasons[planted.f.id] == "Because you liked Dirty Dancing"
    assert reasons[planted.b.id] == "Because you liked Alien"


@pytest.mark.django_db(transaction=True)
def test_removed_favorite_counts_at_once(planted, user):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    favorite = FavoriteMovieFactory(user=user, movie=planted.d)
    neighbour_table_build()
    assert planted.e.id in ids(personal(results(client)))

    client.delete(reverse("favorites:favorite-movie-detail", args=[favorite.id]))

    assert planted.e.id not in ids(personal(results(client)))


@pytest.mark.django_db(transaction=True)
def test_second_get_is_a_cached_page(planted, user, django_assert_num_queries, monkeypatch):
    client = client_skipping_authentication(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    build = neighbour_table_build()

    # favorites, the other signals (watchlist, ratings), hidden movies, neighbours, recently
    # favorited, TMDB popularity, page movies
    with django_assert_num_queries(6 + signal_sources()):
        first = client.get(RECOMMENDATIONS).json()
    calls = record_cache_calls(monkeypatch, versioned_cache, selectors)
    with django_assert_num_queries(0):
        second = client.get(RECOMMENDATIONS).json()

    assert second == first
    assert calls == ["get_many"]  # build, the user's and movies versions, and the page together
    key = f"recommendations_{user.id}_build_{build.pk}"  # the picks, for the other pages
    picks = versioned_cache.read(user_versions(user.id), [key]).entry(key)
    assert [pick.movie_id for pick in picks[:2]] == ids(first["results"])[:2]


def test_cached_page_keeps_its_links(user):
    client = client_skipping_authentication(user)
    MovieFactory.create_batch(12)

    pages = [client.get(RECOMMENDATIONS, {"page": 2, "page_size": 5}).json() for _ in range(2)]
    last = client.get(RECOMMENDATIONS, {"page": "last", "page_size": 5}).json()  # not cached

    assert pages[1] == pages[0]
    assert pages[1]["previous"].endswith("/api/recommendations/?page_size=5")
    assert pages[1]["next"].endswith("/api/recommendations/?page=3&page_size=5")
    assert last["previous"].endswith("page=2&page_size=5") and last["next"] is None
    assert ids(last["results"]) == ids(client.get(RECOMMENDATIONS, {"page": 3, "page_size": 5})
                                       .json()["results"])  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_cache_is_invalidated_by_the_users_favorites_only(planted, user, django_assert_num_queries):
    client = client_skipping_authentication(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    client.get(RECOMMENDATIONS)

    FavoriteMovieFactory(user=planted.fans[0], movie=planted.d)  # someone else's change
    with django_assert_num_queries(0):
        client.get(RECOMMENDATIONS)

    FavoriteMovieFactory(user=user, movie=planted.e)  # this user's change
    # favorites, the other signals, hidden, neighbours, page (popular cached)
    with django_assert_num_queries(4 + signal_sources()):
        items = client.get(RECOMMENDATIONS, {"page_size": 100}).json()["results"]
    assert planted.e.id not in ids(items)
    assert planted.d.id in ids(personal(items))


@pytest.mark.django_db(transaction=True)
def test_cached_page_changes_when_the_user_adds_a_favorite(planted, user):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    before = client.get(RECOMMENDATIONS).json()
    assert client.get(RECOMMENDATIONS).json() == before  # cached

    client.post(FAVORITES, {"movie_id": planted.b.id}, format="json")
    after = client.get(RECOMMENDATIONS).json()

    assert planted.b.id in ids(before["results"])
    assert planted.b.id not in ids(after["results"])


def rename(movie) -> None:
    movie.title = "Blade Runner 2049"
    movie.save()  # as the admin does; a TMDB sync announces its changes the same way


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "title"),
    [pytest.param(rename, "Blade Runner 2049", id="edited"),
     pytest.param(lambda movie: movie.delete(), None, id="deleted")],
)  # fmt: skip
def test_cached_page_follows_catalog_changes(planted, user, change, title):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    changed = planted.b.id
    before = {item["id"]: item["title"] for item in results(client)}
    assert results(client) == results(client)  # cached

    change(planted.b)
    after = {item["id"]: item["title"] for item in results(client)}

    assert before[changed] == "Blade Runner"
    assert after.get(changed) == title
    assert after[planted.c.id] == "Contact"


def test_recommendations_answer_when_the_cache_is_down(planted, user, cache_down):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()

    first, second = results(client), results(client)

    assert set(ids(personal(first))) == {planted.b.id, planted.c.id}
    assert second == first
    assert client.get(RECOMMENDATIONS, {"page": 99}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_changes_what_is_served(planted, user):
    client = client_for(user)
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    sequel = MovieFactory(title="Aliens")
    for fan in planted.fans[:4]:  # A's fans all favorite the sequel
        FavoriteMovieFactory(user=fan, movie=sequel)
    before = ids(personal(results(client)))

    stale = ids(personal(results(client)))  # same build, same favorites: cached
    neighbour_table_build()
    fresh = personal(results(client))

    assert sequel.id not in before and stale == before
    assert sequel.id in ids(fresh)
    assert next(i for i in fresh if i["id"] == sequel.id)["reason"] == "Because you liked Alien"


@pytest.mark.parametrize("favorites", [10, 50])
def test_query_count_is_constant_in_the_number_of_favorites(
    user, auth_client, django_assert_num_queries, favorites
):
    movies = MovieFactory.create_batch(60)
    for movie in movies[:favorites]:
        FavoriteMovieFactory(user=user, movie=movie)
    for fan in UserFactory.create_batch(3):
        for movie in movies[::3]:
            FavoriteMovieFactory(user=fan, movie=movie)
    neighbour_table_build()

    # The 6 of favorites alone, plus hidden movies and one per other installed signal
    # (watchlist, ratings).
    with django_assert_num_queries(7 + signal_sources()):
        response = auth_client.get(RECOMMENDATIONS)

    assert response.status_code == 200
    assert personal(response.json()["results"])


# Similar movies ---------------------------------------------------------------------------


def test_similar_is_public_and_ordered_by_score(planted, api_client):
    FavoriteMovieFactory(user=planted.fans[0], movie=planted.d)  # a weak link from A to D
    neighbour_table_build()

    body = api_client.get(similar(planted.a.id)).json()

    assert body["count"] == 3 and body["next"] is None and body["previous"] is None
    items = body["results"]
    assert set(ids(items[:2])) == {planted.b.id, planted.c.id}
    assert ids(items)[2] == planted.d.id
    assert [item["score"] for item in items] == sorted(
        (item["score"] for item in items), reverse=True
    )
    assert {item["reason"] for item in items} == {"Similar to Alien"}
    assert set(items[0]) == FIELDS


def test_similar_works_with_a_token_too(planted, auth_client):
    neighbour_table_build()

    assert set(ids(results(auth_client, similar(planted.e.id)))) == {planted.d.id, planted.f.id}


@pytest.mark.parametrize("movie_id", ["999999", "0", "9999999999999999999999"])
def test_similar_unknown_movie_is_404(api_client, db, movie_id):
    response = api_client.get(f"/api/movies/{movie_id}/similar/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_similar_before_any_build_is_empty(planted, api_client):
    body = api_client.get(similar(planted.a.id)).json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_similar_invalid_page_is_400(planted, api_client):
    neighbour_table_build()

    response = api_client.get(similar(planted.a.id), {"page": 2})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid page."}


def test_similar_query_count(planted, api_client, django_assert_num_queries):
    neighbour_table_build()

    with django_assert_num_queries(3):  # the movie exists, its neighbours, the page's movies
        api_client.get(similar(planted.a.id))


def test_movie_deleted_after_a_build_is_skipped(planted, user, auth_client, api_client):
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    deleted = planted.b.id
    planted.b.delete()

    similar_response = api_client.get(similar(planted.a.id))
    personal_response = auth_client.get(RECOMMENDATIONS)
    deleted_itself = api_client.get(similar(deleted))

    assert similar_response.status_code == 200
    assert ids(similar_response.json()["results"]) == [planted.c.id]
    assert personal_response.status_code == 200
    assert deleted not in ids(personal_response.json()["results"])
    assert planted.c.id in ids(personal(personal_response.json()["results"]))
    assert deleted_itself.status_code == 404


@pytest.mark.skipif(
    not settings_module_uses_locmem(), reason="a process-local cache (no REDIS_URL) misses builds"
)
def test_a_process_that_missed_a_rebuild_catches_up(planted, user, auth_client, monkeypatch):
    """Without Redis each process has its own cache: a build run by cron or another container
    cannot tell the web processes that it is current, and it deletes the rows they serve."""
    FavoriteMovieFactory(user=user, movie=planted.a)
    neighbour_table_build()
    assert personal(results(auth_client))

    class OtherProcessCache:
        def set(self, *args, **kwargs):
            pass

    monkeypatch.setattr(services, "cache", OtherProcessCache())
    neighbour_table_build()  # elsewhere: our cache still names the deleted build
    later = time.time() + 3600
    monkeypatch.setattr(locmem, "time", types.SimpleNamespace(time=lambda: later))

    items = results(auth_client)

    assert {planted.b.id, planted.c.id} == set(ids(personal(items)))


@pytest.mark.django_db(transaction=True)
def test_similar_is_cached_with_a_public_etag(planted, api_client, django_assert_num_queries):
    neighbour_table_build()
    first = api_client.get(similar(planted.a.id))

    with django_assert_num_queries(0):
        hit = api_client.get(similar(planted.a.id))
        not_modified = api_client.get(similar(planted.a.id), HTTP_IF_NONE_MATCH=first["ETag"])

    assert hit.content == first.content and hit["ETag"] == first["ETag"]
    assert first["Cache-Control"].startswith("public, max-age=")
    assert not_modified.status_code == 304
    other_page = api_client.get(similar(planted.a.id), {"page_size": 1})
    assert other_page["ETag"] != first["ETag"] and other_page.json()["count"] == 2


@pytest.mark.django_db(transaction=True)
def test_similar_304_never_hides_a_new_build_or_a_renamed_movie(planted, api_client):
    neighbour_table_build()
    before = api_client.get(similar(planted.a.id))
    FavoriteMovieFactory(user=planted.fans[0], movie=planted.d)  # a weak link from A to D
    neighbour_table_build()

    rebuilt = api_client.get(similar(planted.a.id), HTTP_IF_NONE_MATCH=before["ETag"])
    planted.b.title = "Renamed"
    planted.b.save()
    renamed = api_client.get(similar(planted.a.id), HTTP_IF_NONE_MATCH=rebuilt["ETag"])

    assert rebuilt.status_code == 200 and rebuilt.json()["count"] == 3
    assert renamed.status_code == 200 and "Renamed" in renamed.content.decode()
    assert len({before["ETag"], rebuilt["ETag"], renamed["ETag"]}) == 3


def test_a_cached_similar_page_carries_no_other_readers_parameters(planted, api_client):
    """#26, finding 4, on the other public list: an unknown parameter shares the entry, never
    the links the stored body was built with."""
    FavoriteMovieFactory(user=planted.fans[0], movie=planted.d)  # three similar to A
    neighbour_table_build()
    page = {"page_size": 1, "page": 2}
    alone = api_client.get(similar(planted.a.id), page)
    django_cache.clear()
    junk = "x" * 1400

    filler = api_client.get(similar(planted.a.id), {**page, "fbclid": junk})
    reader = api_client.get(similar(planted.a.id), page)

    assert filler.status_code == 200 and junk not in filler.content.decode()
    assert reader.content == alone.content
    assert reader.json()["next"].endswith("?page=3&page_size=1")
