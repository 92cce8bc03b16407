"""What answers under the API's prefix when no route does: a path without its trailing slash
is served as the same path with it (every method: a redirect would drop a POST's body), and
anything else is a JSON 404, even with DEBUG on (where Django would show its HTML page)."""

from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # nothing to protect; Django's CSRF page would answer an unknown DELETE in HTML
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


@csrf_exempt  # the API's views check CSRF themselves where it applies (cookie authentication)
def slashless(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    try:
        match = resolve(request.path_info + "/")
    except Resolver404:
        return not_found(request)
    if match.func is not_found:
        return not_found(request)
    request.resolver_match = match
    return cast(HttpResponse, match.func(request, *match.args, **match.kwargs))  # a view
