"""HTTP caching of the API's cached reads: ETags made from the versioned cache's stamps, 304s
answered from the versions alone, and JSON rendered once, when an entry is stored.

An ETag is a digest of a stamp (``core.versioned_cache``: the versions read before the data)
and the request's variant (what else the body depends on: the cache key, the absolute URL the
links are built from, the media type, the user). Any change to the data bumps a version, so the
ETag changes exactly when the data may have: a client holding the old one gets a 200. ETags are
weak (RFC 9110 8.8.1): two processes may render the same data at one stamp, and nginx weakens
strong ones when it compresses. No stamp (the cache is down): no ETag, as nothing vouches for it.

``Cache-Control``: public answers (the catalog) may be kept ``HTTP_CACHE['MAX_AGE']`` seconds
and served stale while revalidated for ``HTTP_CACHE['STALE_WHILE_REVALIDATE']`` more; per-user
answers are ``private, no-cache``: a browser keeps them but asks again each time, which the
304 answers without reading the page.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeGuard, cast

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.conf import AppSettings
from core.versioned_cache import Snapshot, Stamp

DEFAULTS = {"MAX_AGE": 2, "STALE_WHILE_REVALIDATE": 30}
http_cache_settings = AppSettings("HTTP_CACHE", DEFAULTS)

JSON = "application/json"
# One entity tag of an If-None-Match list (RFC 9110 8.8.3): optional W/, then a quoted string
# of etagc (%x21 / %x23-7E / obs-text), the list's elements separated by commas and spaces.
_ENTITY_TAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')
_RENDERER = JSONRenderer()


def etag(stamp: Stamp | None, *variant: object) -> str | None:
    """The weak ETag of what was read at ``stamp`` for ``variant``; None without a stamp."""
    if stamp is None:
        return None
    digest = hashlib.blake2b(repr((stamp, variant)).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def if_none_match(request: HttpRequest) -> list[str] | None:
    """The opaque tags of ``If-None-Match`` (``["*"]`` for any), or None: absent, or not a
    valid list (a precondition that cannot be read is ignored, RFC 9110 13.1)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if header is None:
        return None
    if header.strip() == "*":
        return ["*"]
    tags: list[str] = []
    position = 0
    while position < len(header):
        if header[position] in " \t,":  # empty list elements are allowed (RFC 9110 5.6.1)
            position += 1
            continue
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            return None
        tags.append(match.group(2))
        position = match.end()
    return tags or None


def matches(tags: Iterable[str], tag: str | None) -> bool:
    """Weak comparison (RFC 9110 8.8.3.2, as If-None-Match uses): the opaque tags equal."""
    if tag is None:
        return False
    opaque = tag.removeprefix("W/")
    return any(candidate == opaque for candidate in tags)


def render(data: Any) -> bytes:
    """``data`` as the API's JSON renderer writes it (DRF's ``JSONRenderer``), byte for byte."""
    return cast(bytes, _RENDERER.render(data))


def cache_control(*, public: bool) -> str:
    if not public:
        return "private, no-cache"
    return (
        f"public, max-age={http_cache_settings.MAX_AGE}, "
        f"stale-while-revalidate={http_cache_settings.STALE_WHILE_REVALIDATE}"
    )


def with_validators(response: HttpResponse, tag: str | None, *, public: bool) -> HttpResponse:
    """``response`` with its ETag (when there is one) and Cache-Control; a per-user answer
    also varies with the credentials, so no cache gives it to the holder of other ones."""
    if tag is not None:
        response["ETag"] = tag
    response["Cache-Control"] = cache_control(public=public)
    if not public:
        patch_vary_headers(response, ["Authorization", "Cookie"])
    return response


def json_response(request: Any, body: bytes, tag: str | None, *, public: bool) -> HttpResponse:
    """Rendered JSON as the answer, skipping DRF's renderer (DRF passes it through); for a
    request that negotiated another renderer (the browsable API of ``make run``), the data, for
    that renderer."""
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or isinstance(renderer, JSONRenderer):
        response = HttpResponse(body, content_type=JSON)
    else:
        response = Response(json.loads(body))
    return with_validators(response, tag, public=public)


def not_modified(tag: str | None, *, public: bool) -> HttpResponse:
    """The 304: no body, the validators a 200 would carry (RFC 9110 15.4.5)."""
    response = HttpResponse(status=304)
    del response["Content-Type"]
    return with_validators(response, tag, public=public)


def versions_first(tags: list[str] | None) -> TypeGuard[list[str]]:
    """Whether ``conditional`` reads the versions alone first: tags that a 304 may match."""
    return bool(tags) and tags != ["*"]


def conditional(
    tags: list[str] | None,
    *,
    stamp_tag: Callable[[], str | None],
    respond: Callable[[], HttpResponse],
    public: bool,
) -> HttpResponse:
    """``respond()``, or a 304 when the ``If-None-Match`` ``tags`` (``if_none_match``) name the
    tag ``stamp_tag()`` makes from the versions alone (nothing else read). ``*`` matches any
    current representation: the answer is made, and a 200 is answered 304."""
    if versions_first(tags):
        tag = stamp_tag()
        if matches(tags, tag):
            return not_modified(tag, public=public)
    response = respond()
    if tags == ["*"] and response.status_code == 200:
        return not_modified(response.get("ETag"), public=public)
    return response


def cached_json_response(
    request: HttpRequest,
    read: Callable[[list[str]], Snapshot],
    key: str,
    compute: Callable[[], tuple[Any, float | None]],
    *,
    variant: Iterable[object] = (),
    on_miss: Callable[[Any], None] | None = None,
) -> HttpResponse:
    """A public answer cached under ``key`` as rendered JSON, with its ETag, 304 when the
    client has it. ``read(keys)`` is the versioned read the entry holds for (``[]``: the
    versions alone); on a miss, ``on_miss(request)`` (the view's throttles of uncached reads, which
    may refuse it), then ``compute()``: the data and how long to keep it."""
    variant = (key, getattr(request, "accepted_media_type", JSON), *variant)

    def respond() -> HttpResponse:
        snapshot = read([key])
        entry = snapshot.entry(key)
        if entry is None:
            if on_miss is not None:
                on_miss(request)
            data, timeout = compute()
            entry = render(data)
            snapshot.store(key, entry, timeout=timeout)
        return json_response(request, entry, etag(snapshot.stamp, *variant), public=True)

    return conditional(
        if_none_match(request),
        stamp_tag=lambda: etag(read([]).stamp, *variant),
        respond=respond,
        public=True,
    )
