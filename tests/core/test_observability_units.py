"""The small parts of the access line, the metrics and the log redaction, one by one."""

import pytest

from core import request_ids
from core.access import route_label
from core.logs import redact
from core.metrics import cache_namespace


@pytest.mark.parametrize(
    ("route", "label"),
    [
        ("api/movies/(?P<pk>[^/.]+)/$", "/api/movies/{pk}/"),  # DRF's routers
        ("api/^favorite-movies/(?P<pk>[^/.]+)/$", "/api/favorite-movies/{pk}/"),
        ("api/movies/<int:pk>/", "/api/movies/{pk}/"),  # path converters
        ("api/token/refresh/", "/api/token/refresh/"),
        ("api/.*[^/]$", "/api/.*[^/]"),  # the catch-all of slashless paths: a class, kept
        ("metrics", "/metrics"),
    ],
)
def test_route_label(route, label):
    assert route_label(route) == label


@pytest.mark.parametrize(
    ("key", "namespace"),
    [
        ("favorite_movie_list_7_page_2", "favorite_movie_list"),
        ("favorite_movie_list_7_page_2_size_50", "favorite_movie_list"),
        ("accounts_auth_user_12", "accounts_auth_user"),
        ("recommendations_3_build_9", "recommendations"),
        ("recommendations_hidden_3_page_1", "recommendations_hidden"),
        ("catalog:movie:42", "catalog:movie"),
        ("catalog:movies:" + "ab" * 16, "catalog:movies"),
        ("catalog:genres", "catalog:genres"),
        ("recommendations:similar:" + "0f" * 16, "recommendations:similar"),
    ],
)
def test_cache_namespace_leaves_out_ids_and_digests(key, namespace):
    assert cache_namespace(key) == namespace


@pytest.mark.parametrize(
    "secret",
    [
        "someone@example.com",
        "first.last+tag@mail.example.co.uk",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVz",
        "Bearer abc.DEF-123_~+/=",
    ],
)
def test_redact_masks_addresses_and_tokens(secret):
    text = f'{{"message": "Key (x)=({secret}) already exists"}}'
    assert secret not in redact(text)
    assert redact(text) == '{"message": "Key (x)=([redacted]) already exists"}'


def test_redact_leaves_other_text_alone():
    text = '{"message": "GET /api/movies/{pk}/ 200", "user_id": 7}'
    assert redact(text) is text


@pytest.mark.parametrize("value", ["abc", "0f" * 16, "req-1.2_3", "x" * 64])
def test_a_safe_request_id_is_kept(value):
    assert request_ids.accepted(value) == value


@pytest.mark.parametrize("value", [None, "", "x" * 65, "a b", "id\nforged line", 'x"y', "é", "a/b"])
def test_an_unsafe_or_missing_request_id_is_replaced(value):
    made = request_ids.accepted(value)
    assert made != value and len(made) == 32 and int(made, 16) >= 0
