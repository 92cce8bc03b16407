"""The catalog over HTTP caching: public ETags, 304s from the catalog version alone (no SQL,
no entry read), and never a 304 that hides a change."""

import pytest
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from catalog.models import Movie
from catalog.serializers import MovieDetailSerializer
from tests.catalog.factories import GenreFactory, MovieFactory
from tests.catalog.test_cache import cache_calls, count_queries  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ENDPOINTS = ["movie-list", "genre-list", "movie-detail"]


def url_for(endpoint: str, movie: Movie) -> str:
    return reverse(f"catalog:{endpoint}", args=[movie.id] if endpoint == "movie-detail" else [])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_answers_carry_an_etag_and_cache_control(api_client, endpoint, settings):
    settings.HTTP_CACHE = {"MAX_AGE": 2, "STALE_WHILE_REVALIDATE": 30}
    url = url_for(endpoint, MovieFactory())

    miss, hit = api_client.get(url), api_client.get(url)

    assert miss.status_code == hit.status_code == 200
    assert miss["ETag"].startswith('W/"') and hit["ETag"] == miss["ETag"]
    assert hit["Cache-Control"] == "public, max-age=2, stale-while-revalidate=30"
    assert hit.content == miss.content  # the bytes stored are the bytes served


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_304_from_the_version_alone(api_client, cache_calls, endpoint):  # noqa: F811
    url = url_for(endpoint, MovieFactory())
    tag = api_client.get(url)["ETag"]
    cache_calls.clear()

    answers = []
    queries = count_queries(lambda: answers.append(api_client.get(url, HTTP_IF_NONE_MATCH=tag)))

    assert answers[0].status_code == 304 and answers[0].content == b""
    assert answers[0]["ETag"] == tag
    assert queries == 0
    assert cache_calls == ["get_many"]  # the versions, not the entry


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_304_never_hides_a_change(api_client, endpoint):
    movie = MovieFactory()
    url = url_for(endpoint, movie)
    before = api_client.get(url)

    movie.title = "Changed"
    movie.save()  # each change bumps the catalog version, once committed
    movie.genres.add(GenreFactory(name="Western"))
    after = api_client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content
    assert api_client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_etag_differs_per_variant(api_client):
    MovieFactory.create_batch(3)
    list_url = reverse("catalog:movie-list")
    page = api_client.get(list_url, {"page_size": 1})
    other = api_client.get(list_url, {"page_size": 2})
    elsewhere = api_client.get(list_url, {"page_size": 1}, HTTP_HOST="localhost")

    assert len({page["ETag"], other["ETag"], elsewhere["ETag"]}) == 3  # next/previous differ
    assert api_client.get(list_url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 200
    conditional = api_client.get(
        list_url, {"page_size": 2}, HTTP_IF_NONE_MATCH=f'"nope", {page["ETag"]}'
    )
    assert conditional.status_code == 200


def test_if_none_match_star_and_unreadable_headers(api_client):
    movie = MovieFactory()
    detail = url_for("movie-detail", movie)

    assert api_client.get(detail, HTTP_IF_NONE_MATCH="*").status_code == 304
    missing = reverse("catalog:movie-detail", args=[movie.id + 1])
    assert api_client.get(missing, HTTP_IF_NONE_MATCH="*").status_code == 404
    assert api_client.get(detail, HTTP_IF_NONE_MATCH="garbage").status_code == 200
    bad = api_client.get(reverse("catalog:movie-list"), {"page": "x"}, HTTP_IF_NONE_MATCH="*")
    assert bad.status_code == 400


def test_strong_form_of_the_tag_matches_too(api_client):
    url = url_for("movie-detail", MovieFactory())
    tag = api_client.get(url)["ETag"]

    assert api_client.get(url, HTTP_IF_NONE_MATCH=tag.removeprefix("W/")).status_code == 304


def test_hit_is_the_serializers_json_byte_for_byte(api_client):
    movie = MovieFactory(title="Amélie")
    url = url_for("movie-detail", movie)
    api_client.get(url)

    hit = api_client.get(url)

    assert hit["Content-Type"] == "application/json"
    assert hit.content == JSONRenderer().render(MovieDetailSerializer(movie).data)


def test_no_etag_while_the_cache_is_down(api_client, cache_down):
    url = url_for("movie-detail", MovieFactory())

    answer = api_client.get(url)

    assert answer.status_code == 200 and "ETag" not in answer
