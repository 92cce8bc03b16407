"""A cached per-user page answered before DRF's dispatch, at the cost of DRF's checks alone.

DRF's dispatch negotiates the renderer, authenticates, checks permissions and throttles, calls
the handler and finalizes the response. For a GET of one user's cached page
(``core.api.pagination.CachedPagesMixin``) the answer is known as soon as authentication has
read the user and the page together (``core.api.read_ahead``): the stored bytes, or a 304.
``answer`` runs DRF's own steps on DRF's own request object, in DRF's order, and answers from
that read: the renderer DRF's negotiation picks for the request's ``Accept`` (a shortcut for
the common values), DRF's authentication, the view's permissions, the hit
(``CachedPagesMixin.cached_hit``), the view's throttles, and DRF's ``finalize_response``. An
exception in any of them is answered as DRF's dispatch answers one: ``handle_exception``.

Anything else is DRF's dispatch, carrying on with the same request: a miss, or a renderer the
shortcut does not cover. Authentication has run by then (for a miss), so no check runs twice,
the user is not read again and the page read ahead is still there. Throttles run last, once
the answer is certain, so a request is never counted twice.
"""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

if TYPE_CHECKING:
    from rest_framework.views import APIView

    class EarlyHitView(APIView):  # CachedPagesMixin's
        def cached_hit(self, request: Request) -> HttpResponse | None: ...


JSON = "application/json"
# Accept values for which DRF's negotiation picks the first renderer as JSON, checked without it.
_JSON_ACCEPTS = (None, "*/*", JSON)


def _renderer(view: "APIView", request: Request) -> tuple[Any, str] | None:
    """(renderer, media type) as DRF's negotiation would accept them, when JSON; else None."""
    if type(view.get_content_negotiator()) is not DefaultContentNegotiation:
        return None
    if view.settings.URL_FORMAT_OVERRIDE in request.query_params or view.kwargs.get("format"):
        return None
    if request.META.get("HTTP_ACCEPT") in _JSON_ACCEPTS:
        renderer = view.get_renderers()[0]
        chosen: tuple[Any, str] = (renderer, renderer.media_type)
    else:
        chosen = view.perform_content_negotiation(request)
    if not isinstance(chosen[0], JSONRenderer) or chosen[1] != JSON:
        return None
    return chosen


def answer(
    view: "EarlyHitView", request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase | Request | None:
    """The early answer to ``request``; else the DRF request it authenticated, for DRF's
    dispatch to carry on with; else None (not a GET: DRF's dispatch from the start)."""
    if request.method not in ("GET", "HEAD") or view.versioning_class is not None:
        return None
    # What DRF's dispatch and ``initial`` set up first, as they set it.
    view.args, view.kwargs = args, kwargs
    drf_request = view.initialize_request(request, *args, **kwargs)
    view.request = drf_request
    view.headers = view.default_response_headers
    view.format_kwarg = None
    try:
        chosen = _renderer(view, drf_request)
        if chosen is None:
            return drf_request  # another renderer: DRF's dispatch negotiates
        drf_request.accepted_renderer, drf_request.accepted_media_type = chosen
        drf_request.version, drf_request.versioning_scheme = None, None
        drf_request.user  # noqa: B018 (DRF's authentication: reads the user, and the page)
        view.check_permissions(drf_request)
        response = view.cached_hit(drf_request)
        if response is None:
            return drf_request  # a miss: DRF's dispatch carries on, authenticated
        view.check_throttles(drf_request)
    except Exception as exc:  # as DRF's dispatch: what the handler does not answer, it re-raises
        response = view.handle_exception(exc)
    # DRF finalizes any HttpResponse (its stubs say Response): the Allow and Vary headers.
    finalized: HttpResponseBase = view.finalize_response(drf_request, response, *args, **kwargs)  # type: ignore[arg-type]
    return finalized
