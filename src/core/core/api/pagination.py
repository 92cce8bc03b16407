"""Pages of the API's lists: ``?page=`` and ``?page_size=`` with the spec's 400, deep pages
through a deferred join, counts cached per version, and cached pages served with fresh links."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from core import versioned_cache
from core.api import early_hits, http_cache, read_ahead
from core.api.integers import StrictIntegerField, plain_int
from core.versioned_cache import Namespace, Read, Snapshot


class InvalidPageError(APIException):
    status_code = 400
    default_detail = "Invalid page."
    default_code = "invalid_page"


class StrictPageNumberPagination(PageNumberPagination):
    """``?page=`` (1-based) and ``?page_size=`` (up to 100).

    A page that is not a positive integer or lies past the end is answered 400
    ``{"detail": "Invalid page."}`` as the API spec says (DRF itself answers 404).
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        """``page_size`` if given (a whole number from 1 to ``max_page_size``: else a 400 on
        the parameter), else the default."""
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        field = StrictIntegerField(min_value=1, max_value=self.max_page_size)
        try:
            size: int = field.run_validation(text)
            return size
        except ValidationError as exc:
            raise ValidationError({self.page_size_query_param: exc.detail}) from exc

    def get_page_number(self, request: Request, paginator: "Paginator[Any]") -> int | str:
        """A plain page number or "last"; anything else (a "٣" Python reads as 3) is invalid."""
        number = super().get_page_number(request, paginator)
        if isinstance(number, str) and plain_int(number) is None:
            raise InvalidPageError()
        return number

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise InvalidPageError() from exc

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's, with examples that fit the one-item example pages of every list."""
        paginated = super().get_paginated_response_schema(schema)
        examples = {"count": 1, "next": None, "previous": None}
        for name, example in examples.items():
            paginated["properties"][name]["example"] = example
        return paginated


class DeferredJoinPaginator(Paginator):  # type: ignore[type-arg]  # no Paginator[T] at run time
    """Deep pages of an ordered queryset through a deferred join, in one query:
    ``... WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n OFFSET m) ORDER BY ...``.

    ``OFFSET m`` reads and discards m rows. Selecting only the primary keys lets PostgreSQL
    skip them in an index-only scan of the ordering's index; only the page's rows are then read
    from the table. The outer query keeps the queryset's filters, columns and ordering, so a page
    holds the same rows in the same order as a plain slice. Not for querysets that repeat rows (a
    multi-valued join: the outer query repeats them its own way) or use DISTINCT (the subquery
    would select the ordering's columns too).
    """

    # Below this offset a plain slice is cheaper: the semi-join and the sort of the page cost
    # ~0.2 ms, skipping a row ~0.7 us (PostgreSQL, 100k movies; break-even at 200-500 rows).
    min_offset = 200

    object_list: QuerySet[Any]
    _get_page: Callable[..., "Page[Any]"]  # Django's (private) page factory; the stubs omit it

    def page(self, number: int | str) -> "Page[Any]":
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < self.min_offset:
            return self._get_page(self.object_list[bottom:top], number, self)
        page_pks = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=page_pks), number, self)


@dataclass(frozen=True)
class CountCache:
    """Where the counts of a list are cached: under ``<key_prefix>:<digest of the query>``,
    valid for the current versions of ``namespaces``, for ``timeout()`` seconds."""

    namespaces: Sequence[Namespace]
    key_prefix: str
    timeout: Callable[[], float]

    def count(self, queryset: QuerySet[Any]) -> int:
        query = queryset.query.clone()
        query.clear_ordering(force=True)  # every ordering of one filter shares its count
        digest = hashlib.sha256(str(query).encode()).hexdigest()[:32]
        return versioned_cache.cached(
            self.namespaces, f"{self.key_prefix}:{digest}", queryset.count, timeout=self.timeout()
        )


class CachedCountPagination(StrictPageNumberPagination):
    """Deferred-join pages whose count is cached (``count_cache``): a COUNT over a large
    filtered table scans, and every page of the same filter shares it."""

    count_cache: CountCache

    def django_paginator_class(  # type: ignore[override]  # a class attribute in DRF, called alike
        self, object_list: QuerySet[Any], per_page: int
    ) -> "Paginator[Any]":
        """DRF builds its paginator through this attribute; here, one with the cached count."""
        paginator = DeferredJoinPaginator(object_list, per_page)
        paginator.count = self.count_cache.count(object_list)  # a cached_property: set it
        return paginator


if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView  # not at run time: it imports this

    _ViewBase = GenericAPIView[Any]  # what the mixin is mixed into
else:
    _ViewBase = object


class PageCache(Protocol):
    """Where a per-user list keeps its pages: their keys, and the read of the versions they
    hold for together with a page, in one round trip."""

    @property
    def timeout(self) -> float: ...

    def page_key(self, page: int, page_size: int | None) -> str: ...

    def read(self, key: str | None) -> Snapshot: ...


class PlannedPageCache(PageCache, Protocol):
    """A ``PageCache`` whose read is named ahead, so that authentication can make it with its
    own (``core.api.read_ahead``): ``read(key)`` is
    ``held(versioned_cache.read_many([plan(key)])[0])``."""

    def plan(self, key: str | None) -> Read: ...

    def held(self, snapshot: Snapshot) -> Snapshot: ...


def _page_request(
    request: Request, pagination: StrictPageNumberPagination, pages: PageCache
) -> tuple[int | None, int | None, str | None]:
    """The page number (None: not a plain number), the page size (None: not paginated) and
    the page's key (None: not cached); raises the 400 of an invalid page size."""
    number = plain_int(request.query_params.get(pagination.page_query_param, "1"))
    page_size = pagination.get_page_size(request)
    if page_size is None or number is None:
        return number, page_size, None
    explicit = pagination.page_size_query_param in request.query_params
    return number, page_size, pages.page_key(number, page_size if explicit else None)


class CachedPagesMixin(_ViewBase):
    """For a view whose GETs are one user's ``cached_page_response``: names the page it will
    read, so that authentication reads it with the user (``core.api.read_ahead``), and answers
    a hit before DRF's dispatch (``core.api.early_hits``)."""

    paginator: Any
    read_ahead_actions: tuple[str | None, ...] = (None, "list")  # None: a plain view's GET
    _early_request: Request | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        view = cast("early_hits.EarlyHitView", self)  # a view (_ViewBase) with cached_hit
        early = early_hits.answer(view, request, *args, **kwargs)
        if isinstance(early, HttpResponseBase):
            return early
        self._early_request = early  # authenticated already: DRF's dispatch carries on with it
        return super().dispatch(request, *args, **kwargs)

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        early, self._early_request = self._early_request, None
        return early if early is not None else super().initialize_request(request, *args, **kwargs)

    def user_pages(self, user_id: Any) -> PageCache:
        raise NotImplementedError

    def _serves_cached_pages(self) -> bool:
        """This request's action is a ``cached_page_response`` of pages."""
        action = getattr(self, "action", None)
        return action in self.read_ahead_actions and self.paginator is not None

    def read_ahead(self, request: Request, user_id: object) -> read_ahead.Plan | None:
        if not self._serves_cached_pages():
            return None
        pages = self.user_pages(user_id)
        plan = getattr(pages, "plan", None)  # a PlannedPageCache (not isinstance: ~50 us)
        if plan is None:
            return None
        try:
            _, _, key = _page_request(request, self.paginator, pages)
        except ValidationError:
            return None  # the view answers the 400
        key = _planned_key(http_cache.if_none_match(request), key)
        return read_ahead.Plan(key, plan(key))

    def cached_hit(self, request: Request) -> HttpResponse | None:
        """The answer to this GET from what authentication read ahead alone, else None
        (``cached_page_hit``); for ``core.api.early_hits``."""
        if not self._serves_cached_pages():
            return None
        return cached_page_hit(request, self.paginator, self.user_pages(request.user.pk))


def _links(url: str, count: int, page: int, page_size: int) -> tuple[str | None, str | None]:
    """``next`` and ``previous`` for the request of ``url``, as ``StrictPageNumberPagination``
    builds them."""
    has_next = page * page_size < count
    if page <= 1:
        previous = None
    elif page == 2:
        previous = remove_query_param(url, "page")
    else:
        previous = replace_query_param(url, "page", page - 1)
    return (replace_query_param(url, "page", page + 1) if has_next else None), previous


def _planned_key(tags: list[str] | None, key: str | None) -> str | None:
    """The page key read ahead, given the ``If-None-Match`` tags: None with any, as the
    versions alone decide a 304."""
    return None if tags is not None else key


def _variant(request: Request, url: str, user_id: object) -> tuple[object, ...]:
    """What a per-user page's ETag depends on besides the versions (``url``: the request's)."""
    return (url, user_id, getattr(request, "accepted_media_type", ""))


def _stored_page(
    request: Request, url: str, entry: dict[str, Any], number: int, page_size: int, tag: str | None
) -> HttpResponse:
    """The answer of a stored page: its count and results with this request's links."""
    next_url, previous = _links(url, entry["count"], number, page_size)
    body = page_bytes(entry["count"], next_url, previous, _stored_results(entry))
    return http_cache.json_response(request, body, tag, public=False)


def _json_or_null(value: str | None) -> bytes:
    return b"null" if value is None else http_cache.render(value)


def page_bytes(count: int, next_url: str | None, previous: str | None, results: bytes) -> bytes:
    """A paginated body as DRF renders it, from its results rendered once when stored."""
    return b"".join(
        [
            b'{"count":%d,"next":' % count,
            _json_or_null(next_url),
            b',"previous":',
            _json_or_null(previous),
            b',"results":',
            results,
            b"}",
        ]
    )


def _stored_results(entry: dict[str, Any]) -> bytes:
    """The rendered results of a cached page (rendered now for a page stored as data)."""
    results = entry.get("results_json")
    return results if isinstance(results, bytes) else http_cache.render(entry["results"])


def cached_page_response(
    request: Request,
    pagination: StrictPageNumberPagination,
    pages: PageCache,
    compute: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The requested page from ``pages`` when stored for the current versions, else
    ``compute()`` (the paginated body; it raises the 400 of an invalid page), stored as its
    count and rendered results (the links are this request's). A page asked for by anything
    but plain numbers ("last") is not cached. The answer carries a private ETag, and is a 304
    when ``If-None-Match`` has it: decided from the versions alone."""
    number, page_size, key = _page_request(request, pagination, pages)
    if page_size is None:  # not paginated: nothing to cache by page
        return Response(compute())
    user_id = getattr(request.user, "pk", None)
    url = request.build_absolute_uri()
    variant = _variant(request, url, user_id)

    held = getattr(pages, "held", None)  # a PlannedPageCache's

    def read(wanted: str | None) -> Snapshot:
        ahead = read_ahead.take(request, user_id, wanted) if held else None
        return pages.read(wanted) if ahead is None or held is None else held(ahead)

    def respond() -> HttpResponse:
        snapshot = read(key)
        tag = http_cache.etag(snapshot.stamp, *variant)
        data = snapshot.entry(key) if key else None
        if data is not None:
            return _stored_page(request, url, data, number or 1, page_size, tag)
        computed = compute()
        results = http_cache.render(computed["results"])
        if key:
            stored = {"count": computed["count"], "results_json": results}
            snapshot.store(key, stored, timeout=pages.timeout)
        body = page_bytes(computed["count"], computed["next"], computed["previous"], results)
        return http_cache.json_response(request, body, tag, public=False)

    return http_cache.conditional(
        request,
        stamp_tag=lambda: http_cache.etag(read(None).stamp, *variant),
        respond=respond,
        public=False,
    )


def cached_page_hit(
    request: Request, pagination: StrictPageNumberPagination, pages: PageCache
) -> HttpResponse | None:
    """What ``cached_page_response`` would answer, from the read authentication made ahead
    (``CachedPagesMixin.read_ahead``) alone: the stored page, or a 304. None when that takes
    more: a miss, no read ahead, an invalid page, ``If-None-Match: *`` or another tag; the read
    stays on the request for ``cached_page_response``."""
    held = getattr(pages, "held", None)  # a PlannedPageCache's
    if held is None:
        return None
    try:
        number, page_size, key = _page_request(request, pagination, pages)
    except ValidationError:
        return None
    tags = http_cache.if_none_match(request)
    if page_size is None or tags == ["*"]:
        return None
    user_id = getattr(request.user, "pk", None)
    ahead = read_ahead.peek(request, user_id, _planned_key(tags, key))
    if ahead is None:
        return None
    snapshot = held(ahead)
    url = request.build_absolute_uri()
    tag = http_cache.etag(snapshot.stamp, *_variant(request, url, user_id))
    if tags:
        matched = http_cache.matches(tags, tag)
        return http_cache.not_modified(tag, public=False) if matched else None
    entry = snapshot.entry(key) if key else None
    if entry is None:
        return None
    return _stored_page(request, url, entry, number or 1, page_size, tag)
