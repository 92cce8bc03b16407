"""OpenAPI description of the accounts endpoints: the cookie-aware JWT authentication (a Bearer
scheme), examples and shared responses."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api.schema import DETAIL_OR_FIELD_ERRORS, NOT_AUTHENTICATED, detail_response


class JWTCookieScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTCookieAuthentication"
    name = "jwtAuth"


USER_EXAMPLE = {"id": 1, "username": "testuser", "email": "test@example.com", "favorite_movies": []}
TOKEN_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl"  # noqa: S105 (a documentation example)
INVALID_TOKEN = "Token is invalid or expired"  # noqa: S105 (an error message)

THROTTLED = detail_response(
    "Rate limit exceeded (see Retry-After).",
    Throttled="Request was throttled. Expected available in 60 seconds.",
)
UNAUTHENTICATED = detail_response("Missing or invalid token.", **{"No token": NOT_AUTHENTICATED})
INVALID_REFRESH = detail_response(
    "Invalid, expired or revoked refresh token.", **{"Invalid refresh": INVALID_TOKEN}
)
INVALID_REGISTRATION = OpenApiResponse(
    description="Invalid or missing fields, duplicate username/email, a weak password."
)
INVALID_CREDENTIALS = OpenApiResponse(
    DETAIL_OR_FIELD_ERRORS,
    description="Invalid credentials, or missing fields (field errors).",
    examples=[
        OpenApiExample(
            "Wrong password",
            value={"detail": "No active account found with the given credentials"},
        ),
        OpenApiExample("Missing field", value={"password": ["This field is required."]}),
    ],
)
NO_REFRESH_TOKEN = OpenApiResponse(
    description="No refresh token given.",
    examples=[OpenApiExample("Missing", value={"refresh": ["This field is required."]})],
)
CSRF_FAILED = detail_response(
    "Cookie mode, the refresh token taken from its cookie: the CSRF check failed.",
    **{"No CSRF token": "CSRF Failed: CSRF token missing."},
)
LOGGED_OUT = OpenApiResponse(description="Logged out.")

REGISTER_EXAMPLES = [
    OpenApiExample(
        "Register",
        value={"username": "testuser", "email": "test@example.com", "password": "s3cret-Pass!"},
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
]
LOGIN_EXAMPLES = [
    OpenApiExample(
        "Login", value={"username": "testuser", "password": "s3cret-Pass!"}, request_only=True
    ),
    OpenApiExample(
        "Tokens",
        value={"access": TOKEN_EXAMPLE, "refresh": TOKEN_EXAMPLE, "user": USER_EXAMPLE},
        response_only=True,
        status_codes=["200"],
    ),
]
REFRESH_EXAMPLES = [
    OpenApiExample("Refresh", value={"refresh": TOKEN_EXAMPLE}, request_only=True),
    OpenApiExample(
        "New tokens",
        value={"access": TOKEN_EXAMPLE, "refresh": TOKEN_EXAMPLE},
        response_only=True,
        status_codes=["200"],
    ),
]
PASSWORD_CHANGE_EXAMPLES = [
    OpenApiExample(
        "Change",
        value={"current_password": "s3cret-Pass!", "new_password": "an0ther-Secret!"},
        request_only=True,
    ),
    OpenApiExample(
        "New tokens",
        value={"access": TOKEN_EXAMPLE, "refresh": TOKEN_EXAMPLE},
        response_only=True,
        status_codes=["200"],
    ),
]
INVALID_PASSWORD_CHANGE = OpenApiResponse(
    description="Wrong current password, or a new one the password rules refuse.",
    examples=[
        OpenApiExample(
            "Wrong current password",
            value={"current_password": ["Your current password is not correct."]},
        ),
        OpenApiExample(
            "Too short",
            value={
                "new_password": [
                    "This password is too short. It must contain at least 8 characters."
                ]
            },
        ),
    ],
)
CSRF_EXAMPLE = OpenApiExample(
    "Token", value={"csrfToken": "x6tM2bvlQK9T5ZdE7ukFhYt1A0wqXjRn"}, response_only=True
)
LOGOUT_EXAMPLE = OpenApiExample("Logout", value={"refresh": TOKEN_EXAMPLE}, request_only=True)
ME_EXAMPLE = OpenApiExample("Me", value=USER_EXAMPLE, response_only=True)
