from typing import Any

from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.validators import UnicodeUsernameValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.validators import UniqueValidator
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from accounts.conf import accounts_settings
from accounts.models import ALREADY_TAKEN, User, fold_username
from accounts.selectors import user_favorite_movie_ids
from accounts.tokens import SessionRefreshToken
from accounts.validators import validate_single_script
from core.api.integers import MAX_ID, plain_int
from core.api.serializers import BuiltOnceModelSerializer
from core.api.strings import StrictCharField, StrictEmailField
from core.conf import installed_entries


class InvalidCredentials(exceptions.APIException):
    """Wrong username or password: the spec answers 400, not simplejwt's 401."""

    status_code = 400
    default_detail = "No active account found with the given credentials"
    default_code = "no_active_account"


class EmailNotVerified(exceptions.APIException):
    """``ACCOUNTS['LOGIN_REQUIRES_VERIFIED_EMAIL']``: the address must be verified first."""

    status_code = 400
    default_detail = "Verify your e-mail address first: follow the link we sent you."
    default_code = "email_not_verified"


class UserDetailSerializer(BuiltOnceModelSerializer):
    favorite_movies = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "favorite_movies"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_favorite_movies(self, user: User) -> list[int]:
        return user_favorite_movie_ids(user=user)


def _password_field(**kwargs: Any) -> StrictCharField:
    """A password, checked by the configured validators (their rules are its description)."""
    rules = " ".join(password_validators_help_texts())
    return StrictCharField(
        write_only=True,
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=f"Checked by the server's password rules: {rules}" if rules else "",
        **kwargs,
    )


def validate_username_free(name: str) -> None:
    """No account's username folds to the same (``User.validate_unique`` checks it again in the
    transaction, the database's unique key last)."""
    if User.objects.filter(username_key=fold_username(name)).exists():
        raise serializers.ValidationError(ALREADY_TAKEN, code="unique")


class UsernameField(StrictCharField):
    """A username as the user model stores it: NFKC-normalised, so "alice" in fullwidth letters
    is "alice" (and taken if "Alice" is)."""

    def to_internal_value(self, data: Any) -> str:
        return User.normalize_username(super().to_internal_value(data))


class UserRegisterSerializer(serializers.ModelSerializer):
    username = UsernameField(
        max_length=150,
        help_text=User._meta.get_field("username").help_text,
        validators=[
            UnicodeUsernameValidator(),
            validate_single_script,
            validate_username_free,
        ],
    )
    email = StrictEmailField(
        max_length=254,
        validators=[UniqueValidator(queryset=User.objects.all(), lookup="iexact")],
    )
    password = _password_field()

    class Meta:
        model = User
        fields = ["username", "email", "password"]


class TokenObtainSerializer(TokenObtainPairSerializer):
    """simplejwt's pair plus the user, with the spec's 400 for wrong credentials."""

    token_class = SessionRefreshToken

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # simplejwt's own fields are DRF's CharFields, which take numbers.
        self.fields[self.username_field] = StrictCharField(write_only=True)
        self.fields["password"] = StrictCharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )

    def validate(self, attrs: dict) -> dict:
        try:
            data: dict[str, Any] = super().validate(attrs)
        except exceptions.AuthenticationFailed as exc:
            raise InvalidCredentials() from exc
        verified = getattr(self.user, "email_verified_at", None) is not None
        if accounts_settings.LOGIN_REQUIRES_VERIFIED_EMAIL and not verified:
            raise EmailNotVerified()
        # A login, announced as Django's own are: its receivers set last_login, and django-axes
        # starts the count of failures again.
        request = self.context["request"]
        user_logged_in.send(sender=type(self.user), request=request, user=self.user)
        data["user"] = UserDetailSerializer(self.user).data
        return data


class TokenPairResponseSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()
    user = UserDetailSerializer()


class TokenRefreshSerializer(serializers.Serializer):
    refresh = StrictCharField(help_text="In cookie mode it may be omitted: the cookie is used.")


class TokenRefreshResponseSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField(
        required=False,
        help_text="Only with rotation (on by default in cookie mode): the refresh token that "
        "replaces the one sent, which then serves a few seconds more.",
    )


class TokenPairSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()


class PasswordChangeSerializer(serializers.Serializer):
    current_password = StrictCharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    new_password = _password_field()


class CsrfTokenSerializer(serializers.Serializer):
    csrfToken = StrictCharField(
        help_text="Send it back in the X-CSRFToken header of unsafe requests in cookie mode."
    )


class LogoutSerializer(serializers.Serializer):
    refresh = StrictCharField(required=False, help_text="Omit in cookie mode.")


class PasswordResetSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = StrictCharField(max_length=64, help_text="The `uid` of the e-mailed link.")
    token = StrictCharField(max_length=128, help_text="The `token` of the e-mailed link.")
    new_password = _password_field()


class EmailVerifySerializer(serializers.Serializer):
    uid = StrictCharField(max_length=64, help_text="The `uid` of the e-mailed link.")
    token = StrictCharField(max_length=128, help_text="The `token` of the e-mailed link.")


class UserEmailChangeSerializer(serializers.Serializer):
    email = StrictEmailField(
        max_length=254, help_text="The new address: a link to verify it is sent there."
    )
    password = StrictCharField(
        write_only=True,
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Your current password, which confirms the change.",
    )


class UserDeleteSerializer(serializers.Serializer):
    password = StrictCharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class AcceptedSerializer(serializers.Serializer):
    detail = StrictCharField()


class ExportedSessionSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class ExportedLoginSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    ip_address = StrictCharField(allow_null=True)
    user_agent = StrictCharField()


class ExportedAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField()
    email = StrictEmailField()
    first_name = StrictCharField(allow_blank=True)
    last_name = StrictCharField(allow_blank=True)
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)
    email_verified_at = serializers.DateTimeField(allow_null=True)
    sessions = ExportedSessionSerializer(many=True, help_text="The refresh tokens issued.")
    logins = ExportedLoginSerializer(many=True, help_text="The logins on record.")


def user_export_serializer() -> type[serializers.Serializer]:
    """The export's description: the account, and one part per app wired in
    ``ACCOUNTS['EXPORTERS']`` (``favorites``: the favorite movies)."""
    parts = {
        name: serializers.DictField(help_text=f"What the {name} app stores about you.")
        for name in installed_entries(accounts_settings.EXPORTERS)
    }
    fields = {"account": ExportedAccountSerializer(), **parts}
    return type("UserExportSerializer", (serializers.Serializer,), fields)


class AccountStatesQuerySerializer(serializers.Serializer):
    movie = StrictCharField(
        trim_whitespace=False,
        help_text="Movie ids separated by commas (ASCII digits), at most "
        "ACCOUNTS['ACCOUNT_STATES_MAX_MOVIES'] (100); a repeated id is answered once.",
    )

    def validate_movie(self, text: str) -> list[int]:
        ids = [plain_int(part) for part in text.split(",")]
        if any(movie_id is None or not 1 <= movie_id <= MAX_ID for movie_id in ids):
            raise serializers.ValidationError(
                "Enter movie ids (whole numbers) separated by commas."
            )
        unique = list(dict.fromkeys(ids))
        most = accounts_settings.ACCOUNT_STATES_MAX_MOVIES
        if len(unique) > most:
            raise serializers.ValidationError(f"Ask for {most} movies at most.")
        return unique  # type: ignore[return-value]  # no None left: checked above


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"id": {"type": "integer", "description": "The row's id, for its DELETE."}},
        "required": ["id"],
    }
)
class _RowField(serializers.JSONField):
    """``{"id": <row id>}``, or null when the movie is not in that list."""


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {
            "plays": {"type": "integer", "description": "How many times you saw it."},
            "last_watched_on": {
                "type": "string",
                "format": "date",
                "nullable": True,
                "description": "The latest day you saw it; null: no play has a day.",
            },
        },
        "required": ["plays", "last_watched_on"],
    }
)
class _WatchedField(serializers.JSONField):
    """``{"plays": n, "last_watched_on": day or null}``, or null when never watched."""


# The parts the schema knows by name; others are described as any JSON value.
_KNOWN_PARTS = {
    "favorite": lambda: _RowField(
        help_text="Your favorite (its id: DELETE /api/favorite-movies/<id>/), or null."
    ),
    "watchlist": lambda: _RowField(
        help_text="Your watchlist item (its id: DELETE /api/watchlist/<id>/), or null."
    ),
    "rating": lambda: serializers.FloatField(allow_null=True, help_text="Your rating, or null."),
    "watched": lambda: _WatchedField(
        help_text="Your plays of it (GET /api/history/): how many, and the latest day; or null."
    ),
    "hidden": lambda: serializers.BooleanField(help_text="Hidden from your recommendations."),
}


def account_state_serializer() -> type[serializers.Serializer]:
    """One movie's states: its id, and one field per installed part of
    ``ACCOUNTS['ACCOUNT_STATES']``."""
    parts = {
        part: _KNOWN_PARTS.get(part, lambda: serializers.JSONField(allow_null=True))()
        for part in installed_entries(accounts_settings.ACCOUNT_STATES)
    }
    fields = {"id": serializers.IntegerField(help_text="The movie's id."), **parts}
    state = type("AccountStateSerializer", (serializers.Serializer,), fields)
    return type("AccountStatesSerializer", (serializers.Serializer,), {"results": state(many=True)})
