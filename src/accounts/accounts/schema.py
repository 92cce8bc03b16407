"""OpenAPI description of the accounts endpoints: the cookie-aware JWT authentication (a Bearer
scheme), examples and shared responses."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api.schema import DETAIL_OR_FIELD_ERRORS, detail_response


class JWTCookieScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTCookieAuthentication"
    name = "jwtAuth"


USER_EXAMPLE = {"id": 1, "username": "testuser", "email": "test@example.com", "favorite_movies": []}
TOKEN_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl"  # noqa: S105 (a documentation example)
INVALID_TOKEN = "Token is invalid or expired"  # noqa: S105 (an error message)

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

UID_EXAMPLE = "MQ"
LINK_TOKEN_EXAMPLE = "cf3yvd-6c0e3f1e2a9b8d7c6f5e4d3c2b1a0f9e"  # noqa: S105 (a documentation example)
INVALID_LINK = "The link is invalid, expired or already used."
PASSWORD_RESET_EXAMPLES = [
    OpenApiExample("Request", value={"email": "test@example.com"}, request_only=True),
    OpenApiExample(
        "Accepted",
        value={
            "detail": "If an account has this address, a link to reset its password is on its way."
        },
        response_only=True,
        status_codes=["202"],
    ),
]
PASSWORD_RESET_CONFIRM_EXAMPLE = OpenApiExample(
    "Reset",
    value={"uid": UID_EXAMPLE, "token": LINK_TOKEN_EXAMPLE, "new_password": "an0ther-Secret!"},
    request_only=True,
)
PASSWORD_RESET_DONE = OpenApiResponse(
    description="The password is set; every token of the account is revoked: log in again."
)
INVALID_RESET = OpenApiResponse(
    description="A link that is invalid, expired or already used, or a new password the "
    "password rules refuse.",
    examples=[
        OpenApiExample("Used or expired link", value={"token": [INVALID_LINK]}),
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
VERIFY_EMAIL_EXAMPLES = [
    OpenApiExample(
        "Verify", value={"uid": UID_EXAMPLE, "token": LINK_TOKEN_EXAMPLE}, request_only=True
    ),
    OpenApiExample("Verified", value=USER_EXAMPLE, response_only=True, status_codes=["200"]),
]
INVALID_VERIFICATION = OpenApiResponse(
    description="A link that is invalid, expired, already used or sent to a former address.",
    examples=[OpenApiExample("Used or expired link", value={"token": [INVALID_LINK]})],
)
DELETE_EXAMPLE = OpenApiExample("Delete", value={"password": "s3cret-Pass!"}, request_only=True)
ACCOUNT_DELETED = OpenApiResponse(description="The account and all its data are gone.")
INVALID_DELETE = OpenApiResponse(
    description="A wrong or missing password.",
    examples=[
        OpenApiExample("Wrong password", value={"password": ["Your password is not correct."]})
    ],
)
EXPORT_EXAMPLE = OpenApiExample(
    "Export",
    value={
        "account": {
            "id": 1,
            "username": "testuser",
            "email": "test@example.com",
            "first_name": "",
            "last_name": "",
            "date_joined": "2026-12-01T10:00:00+00:00",
            "last_login": "2026-12-01T10:05:00+00:00",
            "email_verified_at": "2026-12-01T10:01:00+00:00",
            "sessions": [
                {
                    "created_at": "2026-12-01T10:05:00+00:00",
                    "expires_at": "2026-12-08T10:05:00+00:00",
                }
            ],
            "logins": [
                {
                    "at": "2026-12-01T10:05:00+00:00",
                    "ip_address": "203.0.113.7",
                    "user_agent": "Mozilla/5.0",
                }
            ],
        },
        "favorites": {
            "favorite_movies": [
                {"movie_id": 603, "title": "The Matrix", "added_at": "2026-12-01T10:06:00+00:00"}
            ]
        },
        "watchlist": {
            "watchlist": [
                {"movie_id": 862, "title": "Toy Story", "added_at": "2026-12-01T10:07:00+00:00"}
            ]
        },
        "ratings": {
            "ratings": [
                {
                    "movie_id": 603,
                    "title": "The Matrix",
                    "value": 9.5,
                    "rated_at": "2026-12-01T10:08:00+00:00",
                }
            ]
        },
        "history": {
            "plays": [
                {
                    "movie_id": 603,
                    "title": "The Matrix",
                    "watched_on": "2026-11-30",
                    "rewatch": True,
                    "note": "",
                    "source": "",
                    "created_at": "2026-12-01T10:08:30+00:00",
                }
            ]
        },
        "recommendations": {
            "hidden_movies": [
                {"movie_id": 2, "title": "Heat", "hidden_at": "2026-12-01T10:09:00+00:00"}
            ]
        },
        "imports": {
            "imports": [
                {
                    "id": 4,
                    "source": "imdb",
                    "file_name": "ratings.csv",
                    "status": "done",
                    "created_at": "2026-12-01T10:10:00+00:00",
                    "finished_at": "2026-12-01T10:10:02+00:00",
                    "counts": {
                        "read": 2,
                        "imported": 1,
                        "already_present": 0,
                        "skipped": {"tv": 1},
                        "unmatched": 0,
                    },
                    "unmatched": [],
                    "error": None,
                }
            ]
        },
    },
    response_only=True,
)
EMAIL_CHANGE_EXAMPLES = [
    OpenApiExample(
        "Change", value={"email": "new@example.com", "password": "s3cret-Pass!"}, request_only=True
    ),
    OpenApiExample(
        "Changed",
        value={**USER_EXAMPLE, "email": "new@example.com"},
        response_only=True,
        status_codes=["200"],
    ),
]
INVALID_EMAIL_CHANGE = OpenApiResponse(
    description="A wrong password, an invalid address or one another account has.",
    examples=[
        OpenApiExample("Wrong password", value={"password": ["Your password is not correct."]}),
        OpenApiExample(
            "Taken", value={"email": ["A user with that email address already exists."]}
        ),
    ],
)
VERIFY_RESENT_EXAMPLE = OpenApiExample(
    "Sent",
    value={"detail": "A new link to verify your address is on its way."},
    response_only=True,
    status_codes=["202"],
)
ALREADY_VERIFIED = detail_response(
    "The address is verified already.", Verified="Your e-mail address is already verified."
)

INVALID_ACCOUNT_STATES = OpenApiResponse(
    DETAIL_OR_FIELD_ERRORS,
    description="No movie ids, an id that is not a whole number, or too many ids.",
    examples=[
        OpenApiExample(
            "Not ids", value={"movie": ["Enter movie ids (whole numbers) separated by commas."]}
        ),
        OpenApiExample("Too many", value={"movie": ["Ask for 100 movies at most."]}),
    ],
)
ACCOUNT_STATES_EXAMPLE = OpenApiExample(
    "Two movies",
    value={
        "results": [
            {
                "id": 1,
                "favorite": {"id": 7},
                "watchlist": None,
                "rating": 8.5,
                "watched": {"plays": 2, "last_watched_on": "2026-11-21"},
                "hidden": False,
            },
            {
                "id": 2,
                "favorite": None,
                "watchlist": {"id": 3},
                "rating": None,
                "watched": None,
                "hidden": True,
            },
        ]
    },
    response_only=True,
)
