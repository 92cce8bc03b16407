from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from accounts import services
from accounts.cookies import delete_token_cookies, refresh_token_from, set_token_cookies
from accounts.serializers import (
    ErrorDetailSerializer,
    LogoutRequestSerializer,
    TokenObtainSerializer,
    TokenPairResponseSerializer,
    TokenRefreshRequestSerializer,
    TokenRefreshResponseSerializer,
    UserDetailSerializer,
    UserRegisterSerializer,
)

USER_EXAMPLE = {"id": 1, "username": "testuser", "email": "test@example.com", "favorite_movies": []}
TOKEN_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl"  # noqa: S105 (a documentation example)
INVALID_TOKEN = "Token is invalid or expired"  # noqa: S105 (an error message)

_throttled = OpenApiResponse(
    ErrorDetailSerializer, description="Rate limit exceeded (see Retry-After)."
)
_unauthenticated = OpenApiResponse(ErrorDetailSerializer, description="Missing or invalid token.")
_invalid_refresh = OpenApiResponse(
    ErrorDetailSerializer,
    description="Invalid, expired or revoked refresh token.",
    examples=[OpenApiExample("Invalid refresh", value={"detail": INVALID_TOKEN})],
)


class InvalidRefreshToken(exceptions.AuthenticationFailed):
    """The spec's exact body: ``{"detail": "Token is invalid or expired"}`` (no ``code`` key)."""

    default_detail = INVALID_TOKEN
    default_code = "token_not_valid"


class RegisterView(APIView):
    """Create an account. Send the password only over HTTPS."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "register"

    @extend_schema(
        tags=["auth"],
        request=UserRegisterSerializer,
        responses={
            201: UserDetailSerializer,
            400: OpenApiResponse(
                description="Invalid or missing fields, duplicate username/email."
            ),
            429: _throttled,
        },
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "username": "testuser",
                    "email": "test@example.com",
                    "password": "s3cret-Pass!",
                },
                request_only=True,
            ),
            OpenApiExample("Created", value=USER_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Duplicate",
                value={
                    "username": ["A user with that username already exists."],
                    "email": ["This field must be unique."],
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = UserRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data)
        return Response(UserDetailSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainView(APIView):
    """Log in: an access and a refresh token, plus the user."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "token"

    @extend_schema(
        tags=["auth"],
        request=TokenObtainSerializer,
        responses={
            200: TokenPairResponseSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Invalid credentials, or missing fields (field errors).",
                examples=[
                    OpenApiExample(
                        "Wrong password",
                        value={"detail": "No active account found with the given credentials"},
                    )
                ],
            ),
            429: _throttled,
        },
        examples=[
            OpenApiExample(
                "Login",
                value={"username": "testuser", "password": "s3cret-Pass!"},
                request_only=True,
            ),
            OpenApiExample(
                "Tokens",
                value={"access": TOKEN_EXAMPLE, "refresh": TOKEN_EXAMPLE, "user": USER_EXAMPLE},
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        response = Response(serializer.validated_data)
        set_token_cookies(request, response)
        return response


class TokenRefreshView(APIView):
    """Exchange a refresh token for a new access token; the refresh token is rotated."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "refresh"

    @extend_schema(
        tags=["auth"],
        request=TokenRefreshRequestSerializer,
        responses={
            200: TokenRefreshResponseSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="No refresh token given."),
            401: _invalid_refresh,
            429: _throttled,
        },
        examples=[
            OpenApiExample("Refresh", value={"refresh": TOKEN_EXAMPLE}, request_only=True),
            OpenApiExample(
                "New tokens",
                value={"access": TOKEN_EXAMPLE, "refresh": TOKEN_EXAMPLE},
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        token = refresh_token_from(request)
        serializer = TokenRefreshRequestSerializer(data={"refresh": token} if token else {})
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidRefreshToken() from exc
        response = Response(serializer.validated_data)
        set_token_cookies(request, response)
        return response

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LogoutView(APIView):
    """Revoke a refresh token (and, in cookie mode, clear the token cookies)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "refresh"

    @extend_schema(
        tags=["auth"],
        request=LogoutRequestSerializer,
        responses={
            204: OpenApiResponse(description="Logged out."),
            400: OpenApiResponse(description="No refresh token given."),
            401: _invalid_refresh,
        },
        examples=[OpenApiExample("Logout", value={"refresh": TOKEN_EXAMPLE}, request_only=True)],
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

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class MeView(APIView):
    """The authenticated user."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        responses={200: UserDetailSerializer, 401: _unauthenticated},
        examples=[OpenApiExample("Me", value=USER_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return Response(UserDetailSerializer(request.user).data)
