"""core.api.http_cache: If-None-Match as RFC 9110 reads it, ETags from stamps, the headers."""

import pytest
from django.test import RequestFactory
from rest_framework.renderers import JSONRenderer

from core.api import http_cache

TAG = 'W/"0123abcd"'


def none_match(header: str | None) -> list[str] | None:
    request = RequestFactory().get(
        "/", **({} if header is None else {"HTTP_IF_NONE_MATCH": header})
    )
    return http_cache.if_none_match(request)


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        (None, None),
        ('"a"', ['"a"']),
        ('W/"a"', ['"a"']),  # weak: compared by its opaque tag
        ('"a", W/"b" ,"c"', ['"a"', '"b"', '"c"']),
        ('"a",,  ,"b"', ['"a"', '"b"']),  # empty list elements are allowed
        ("*", ["*"]),
        ("  * ", ["*"]),
        ('""', ['""']),
        ('"a,b"', ['"a,b"']),  # a comma inside the quotes is part of the tag
    ],
)
def test_if_none_match_lists(header, tags):
    assert none_match(header) == tags


@pytest.mark.parametrize(
    "header",
    ["a", '"a', 'w/"a"', '"a" "b"', '"a"b', '"a" , *', '"a\\"b"', "", " , "],
)
def test_an_unreadable_if_none_match_is_ignored(header):
    assert none_match(header) is None


def test_weak_comparison_matches_strong_and_weak_alike():
    assert http_cache.matches(['"0123abcd"'], TAG)
    assert http_cache.matches(none_match('"x", W/"0123abcd"'), TAG)
    assert not http_cache.matches(['"0123abcd0"'], TAG)
    assert not http_cache.matches(['"0123abcd"'], None)


def test_etag_follows_the_stamp_and_the_variant():
    tag = http_cache.etag((1, 2), "key", "application/json")

    assert tag.startswith('W/"') and tag.endswith('"')
    assert http_cache.etag((1, 2), "key", "application/json") == tag
    assert http_cache.etag((1, 3), "key", "application/json") != tag  # a bump
    assert http_cache.etag((1, 2), "other", "application/json") != tag
    assert http_cache.etag((1, 2), "key", "text/html") != tag
    assert http_cache.etag(None, "key") is None  # the cache is down: nothing vouches


def test_render_is_drfs_json_byte_for_byte():
    data = {"title": "Amélie", "line": "a\u2028b", "n": [1, 2.5, None, True]}

    assert http_cache.render(data) == JSONRenderer().render(data)


def test_headers_public_and_private(settings):
    settings.HTTP_CACHE = {"MAX_AGE": 3, "STALE_WHILE_REVALIDATE": 40}

    request = RequestFactory().get("/")
    public = http_cache.json_response(request, b"{}", TAG, public=True)
    private = http_cache.json_response(request, b"{}", TAG, public=False)
    not_modified = http_cache.not_modified(TAG, public=False)

    assert public["Cache-Control"] == "public, max-age=3, stale-while-revalidate=40"
    assert public["ETag"] == TAG and "Vary" not in public
    assert private["Cache-Control"] == "private, no-cache"
    assert private["Vary"] == "Authorization, Cookie"
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == TAG and "Content-Type" not in not_modified
