from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.conf import accounts_settings


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):  # type: ignore[override]
        return reason


class JWTCookieAuthentication(JWTAuthentication):
    """Bearer header first; in cookie mode, the access-token cookie with CSRF on unsafe methods.

    A cookie is sent by the browser on its own, so unlike the header it needs CSRF protection.
    """

    def authenticate(self, request: Request):  # type: ignore[override]
        if self.get_header(request) is not None:
            return super().authenticate(request)
        if not accounts_settings.JWT_COOKIE_MODE:
            return None
        raw_token = request.COOKIES.get(accounts_settings.ACCESS_COOKIE_NAME)
        if not raw_token:
            return None
        validated = self.get_validated_token(raw_token.encode())
        self._enforce_csrf(request)
        return self.get_user(validated), validated

    @staticmethod
    def _enforce_csrf(request: Request) -> None:
        check = _CSRFCheck(lambda req: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
