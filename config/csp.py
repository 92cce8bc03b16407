"""django-csp's middleware, with the header of a response that has no policy of its own built
once per settings instead of on every response.

django-csp builds the Content-Security-Policy header on each response from the settings and
what the view asked for (``csp.decorators``: the docs pages and the admin) or used (a nonce).
The API's JSON asks for neither, so its header is always the settings' policy, but building it
(``dataclasses.asdict`` and ``build_policy``, twice with the report-only header) was ~20% of
the CPU of a bare request through the whole middleware stack (docs/performance.md). Here such a
response gets the header django-csp built for the first one, exactly; anything else (a view's
policy, a nonce, an exemption, excluded URL prefixes, DEBUG's error pages) goes through
django-csp's own ``process_response``.
"""

from dataclasses import asdict
from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view sets on its response to get a policy of its own, or out of one (csp.decorators).
_OWN_POLICY = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip


@cache
def _settings_headers() -> tuple[tuple[str, str], ...] | None:
    """The headers of a response with no policy of its own, as django-csp builds them; None when
    a policy excludes URL prefixes (django-csp then decides by the request's path). Read once
    per settings: a setting that is not set costs a failed lookup on every read."""
    policies = (
        getattr(settings, "CONTENT_SECURITY_POLICY", None) or {},
        getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {},
    )
    if any(policy.get("EXCLUDE_URL_PREFIXES") for policy in policies):
        return None
    parts = asdict(PolicyParts())
    built = (
        (HEADER, build_policy(**parts)),
        (HEADER_REPORT_ONLY, build_policy(**parts, report_only=True)),
    )
    return tuple((header, value) for header, value in built if value)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_headers.cache_clear()


def _own_policy(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether django-csp might give ``response`` more than the settings' policies: a nonce was
    used, a view asked for a policy of its own, or DEBUG's error pages."""
    return (
        getattr(request, "_csp_nonce", None) is not None
        or settings.DEBUG
        or any(hasattr(response, name) for name in _OWN_POLICY)
    )


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        headers = _settings_headers()
        if headers is None or _own_policy(request, response):
            return super().process_response(request, response)
        for header, value in headers:
            if header not in response:
                response[header] = value
        # As django-csp: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
