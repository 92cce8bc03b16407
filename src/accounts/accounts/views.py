from typing import cast

from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from accounts import schema, selectors, services
from accounts.cookies import delete_token_cookies, refresh_token_from, set_token_cookies
from accounts.models import User
from accounts.serializers import (
    AcceptedSerializer,
    AccountStatesQuerySerializer,
    CsrfTokenSerializer,
    EmailVerifySerializer,
    LogoutSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    TokenObtainSerializer,
    TokenPairResponseSerializer,
    TokenPairSerializer,
    TokenRefreshResponseSerializer,
    TokenRefreshSerializer,
    UserDeleteSerializer,
    UserDetailSerializer,
    UserEmailChangeSerializer,
    UserRegisterSerializer,
    account_state_serializer,
    user_export_serializer,
)
from core.api.schema import THROTTLED, UNAUTHENTICATED

VERIFY_RESENT = "A new link to verify your address is on its way."
RESET_ACCEPTED = "If an account has this address, a link to reset its password is on its way."


class InvalidRefreshToken(exceptions.AuthenticationFailed):
    """The spec's exact body: ``{"detail": "Token is invalid or expired"}`` (no ``code`` key)."""

    default_detail = schema.INVALID_TOKEN
    default_code = "token_not_valid"


class AlreadyVerified(exceptions.APIException):
    status_code = 400
    default_detail = "Your e-mail address is already verified."
    default_code = "already_verified"


class _AnonymousView(APIView):
    """An endpoint called without credentials (each one throttled by its scope)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        """A bad refresh token is a 401, which says how to authenticate."""
        return 'Bearer realm="api"'


class RegisterView(_AnonymousView):
    """Create an account. Send the password only over HTTPS."""

    throttle_scope = "register"

    @extend_schema(
        tags=["auth"],
        summary="Create an account",
        request=UserRegisterSerializer,
        responses={
            201: UserDetailSerializer,
            400: schema.INVALID_REGISTRATION,
            429: THROTTLED,
        },
        examples=schema.REGISTER_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        serializer = UserRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data)
        services.email_verification_send(user=user)
        return Response(UserDetailSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainView(_AnonymousView):
    """Log in: an access and a refresh token, plus the user."""

    throttle_scope = "token"

    @extend_schema(
        tags=["auth"],
        summary="Log in",
        request=TokenObtainSerializer,
        responses={
            200: TokenPairResponseSerializer,
            400: schema.INVALID_CREDENTIALS,
            429: THROTTLED,
        },
        examples=schema.LOGIN_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        # Django's request: django-axes marks a locked-out login on it for its middleware.
        serializer = TokenObtainSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        response = Response(serializer.validated_data)
        set_token_cookies(request, response)
        return response


class TokenRefreshView(_AnonymousView):
    """Exchange a refresh token for a new access token. The refresh token serves again until it
    expires or is revoked; with rotation (on by default in cookie mode) a new one replaces it."""

    throttle_scope = "refresh"

    @extend_schema(
        tags=["auth"],
        summary="Refresh the access token",
        request=TokenRefreshSerializer,
        responses={
            200: TokenRefreshResponseSerializer,
            400: schema.NO_REFRESH_TOKEN,
            401: schema.INVALID_REFRESH,
            403: schema.CSRF_FAILED,
            429: THROTTLED,
        },
        examples=schema.REFRESH_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        token = refresh_token_from(request)
        serializer = TokenRefreshSerializer(data={"refresh": token} if token else {})
        serializer.is_valid(raise_exception=True)
        try:
            tokens = services.refresh_token_use(token=serializer.validated_data["refresh"])
        except TokenError as exc:
            raise InvalidRefreshToken() from exc
        response = Response(tokens)
        set_token_cookies(request, response)
        return response


class LogoutView(_AnonymousView):
    """Revoke a refresh token (and, in cookie mode, clear the token cookies)."""

    throttle_scope = "refresh"

    @extend_schema(
        tags=["auth"],
        summary="Log out",
        request=LogoutSerializer,
        responses={
            204: schema.LOGGED_OUT,
            400: schema.NO_REFRESH_TOKEN,
            401: schema.INVALID_REFRESH,
            403: schema.CSRF_FAILED,
        },
        examples=[schema.LOGOUT_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        token = refresh_token_from(request)
        if not token:
            raise exceptions.ValidationError({"refresh": ["This field is required."]})
        try:
            services.refresh_token_blacklist(token=token)
        except TokenError as exc:
            raise InvalidRefreshToken() from exc
        response = Response(status=status.HTTP_204_NO_CONTENT)
        delete_token_cookies(response)
        return response


class PasswordChangeView(APIView):
    """Change your password: every other token of yours is revoked, and a fresh pair answered
    (in cookie mode, set as cookies too)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "token"

    @extend_schema(
        tags=["auth"],
        summary="Change your password",
        request=PasswordChangeSerializer,
        responses={
            200: TokenPairSerializer,
            400: schema.INVALID_PASSWORD_CHANGE,
            401: UNAUTHENTICATED,
            429: THROTTLED,
        },
        examples=schema.PASSWORD_CHANGE_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)  # IsAuthenticated: never the AnonymousUser
        tokens = services.password_change(user=user, **serializer.validated_data)
        response = Response(tokens)
        set_token_cookies(request, response)
        return response


class CsrfTokenView(_AnonymousView):
    """The CSRF token a front end sends back in ``X-CSRFToken`` on unsafe requests in cookie
    mode (also set as the ``csrftoken`` cookie), for front ends on another origin that cannot
    read that cookie."""

    throttle_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Get a CSRF token",
        responses={200: CsrfTokenSerializer},
        examples=[schema.CSRF_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return Response({"csrfToken": get_token(request)})


@method_decorator(never_cache, name="dispatch")  # Django's: private, no-store (and no-cache)
class MeView(APIView):
    """The authenticated user; and the deletion of the account."""

    permission_classes = [IsAuthenticated]
    delete_request_body = True  # the password (core.api.schema.AutoSchema documents it)

    def get_throttles(self) -> list:
        # A change or a deletion checks the password: throttled like a login.
        self.throttle_scope = "token" if self.request.method in ("PATCH", "DELETE") else None
        return super().get_throttles()

    @extend_schema(
        tags=["auth"],
        summary="Get the current user",
        responses={200: UserDetailSerializer, 401: UNAUTHENTICATED},
        examples=[schema.ME_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return Response(UserDetailSerializer(request.user).data)

    @extend_schema(
        tags=["auth"],
        summary="Change your e-mail address",
        description="The password confirms the change; the new address is unverified until "
        "the link e-mailed to it is followed (POST /api/verify-email/).",
        request=UserEmailChangeSerializer,
        responses={
            200: UserDetailSerializer,
            400: schema.INVALID_EMAIL_CHANGE,
            401: UNAUTHENTICATED,
            429: THROTTLED,
        },
        examples=schema.EMAIL_CHANGE_EXAMPLES,
    )
    def patch(self, request: Request) -> Response:
        serializer = UserEmailChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)  # IsAuthenticated: never the AnonymousUser
        user = services.user_email_change(user=user, **serializer.validated_data)
        return Response(UserDetailSerializer(user).data)

    @extend_schema(
        tags=["auth"],
        summary="Delete your account",
        description="Removes the account and everything of it in every app (favorites "
        "included), in one transaction; every token of it stops working. The password is "
        "required.",
        request=UserDeleteSerializer,
        responses={
            204: schema.ACCOUNT_DELETED,
            400: schema.INVALID_DELETE,
            401: UNAUTHENTICATED,
            429: THROTTLED,
        },
        examples=[schema.DELETE_EXAMPLE],
    )
    def delete(self, request: Request) -> Response:
        serializer = UserDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)  # IsAuthenticated: never the AnonymousUser
        services.user_delete(user=user, **serializer.validated_data)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        delete_token_cookies(response)
        return response


@method_decorator(never_cache, name="dispatch")
class MeExportView(APIView):
    """Everything the site stores about you, as one JSON document."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Export your data",
        responses={200: user_export_serializer(), 401: UNAUTHENTICATED},
        examples=[schema.EXPORT_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated: never the AnonymousUser
        response = Response(services.user_export(user=user))
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response


class AccountStatesView(APIView):
    """Which of these movies are yours, in one call: for each, your favorite and watchlist
    item (with their ids), your rating, and whether you hid it from your recommendations.
    A part whose app is not installed is not in the answer."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Your states of some movies",
        parameters=[AccountStatesQuerySerializer],
        responses={
            200: account_state_serializer(),
            400: schema.INVALID_ACCOUNT_STATES,
            401: UNAUTHENTICATED,
        },
        examples=[schema.ACCOUNT_STATES_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        query = AccountStatesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = cast(User, request.user)  # IsAuthenticated: never the AnonymousUser
        states = selectors.account_states(user=user, movie_ids=query.validated_data["movie"])
        return Response({"results": states})


class PasswordResetView(_AnonymousView):
    """Ask for a password-reset link by e-mail. The answer is the same whether or not an
    account has the address."""

    throttle_scope = "password_reset"

    @extend_schema(
        tags=["auth"],
        summary="Request a password reset",
        request=PasswordResetSerializer,
        responses={202: AcceptedSerializer, 429: THROTTLED},
        examples=schema.PASSWORD_RESET_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(**serializer.validated_data)
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(_AnonymousView):
    """Set a new password with the ``uid`` and ``token`` of a reset link: every token of the
    account is revoked, and the link stops working."""

    throttle_scope = "password_reset"

    @extend_schema(
        tags=["auth"],
        summary="Reset the password",
        request=PasswordResetConfirmSerializer,
        responses={
            204: schema.PASSWORD_RESET_DONE,
            400: schema.INVALID_RESET,
            429: THROTTLED,
        },
        examples=[schema.PASSWORD_RESET_CONFIRM_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(_AnonymousView):
    """Confirm an e-mail address with the ``uid`` and ``token`` of the link sent to it."""

    throttle_scope = "password_reset"

    @extend_schema(
        tags=["auth"],
        summary="Verify your e-mail address",
        request=EmailVerifySerializer,
        responses={
            200: UserDetailSerializer,
            400: schema.INVALID_VERIFICATION,
            429: THROTTLED,
        },
        examples=schema.VERIFY_EMAIL_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        serializer = EmailVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_verify(**serializer.validated_data)
        return Response(UserDetailSerializer(user).data)


class EmailVerifyResendView(APIView):
    """A new link to verify your address, e-mailed to it."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "password_reset"

    @extend_schema(
        tags=["auth"],
        summary="Resend the e-mail verification link",
        request=None,
        responses={
            202: AcceptedSerializer,
            400: schema.ALREADY_VERIFIED,
            401: UNAUTHENTICATED,
            429: THROTTLED,
        },
        examples=[schema.VERIFY_RESENT_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        if not services.email_verification_resend(user=cast(User, request.user)):
            raise AlreadyVerified()
        return Response({"detail": VERIFY_RESENT}, status=status.HTTP_202_ACCEPTED)
