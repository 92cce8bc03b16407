from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.validators import UniqueValidator
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import User
from accounts.selectors import user_favorite_movie_ids
from core.api.serializers import BuiltOnceModelSerializer


class InvalidCredentials(exceptions.APIException):
    """Wrong username or password: the spec answers 400, not simplejwt's 401."""

    status_code = 400
    default_detail = "No active account found with the given credentials"
    default_code = "no_active_account"


class UserDetailSerializer(BuiltOnceModelSerializer):
    favorite_movies = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "favorite_movies"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_favorite_movies(self, user: User) -> list[int]:
        return user_favorite_movie_ids(user=user)


class UserRegisterSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(
        max_length=254,
        validators=[UniqueValidator(queryset=User.objects.all(), lookup="iexact")],
    )
    password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = ["username", "email", "password"]

    def validate(self, attrs: dict) -> dict:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class TokenObtainSerializer(TokenObtainPairSerializer):
    """simplejwt's pair plus the user, with the spec's 400 for wrong credentials."""

    def validate(self, attrs: dict) -> dict:
        try:
            data = super().validate(attrs)
        except exceptions.AuthenticationFailed as exc:
            raise InvalidCredentials() from exc
        data["user"] = UserDetailSerializer(self.user).data
        return data


class TokenPairResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserDetailSerializer()


class _RefreshToken(RefreshToken):
    """simplejwt's refresh token without its own blacklist query: the serializer's single read
    checks the blacklist together with the token's row and user."""

    def check_blacklist(self) -> None:
        pass


class TokenRefreshRequestSerializer(TokenRefreshSerializer):
    """Rotates the refresh token; a token whose user is gone or inactive is just invalid.

    simplejwt's own ``validate`` loads the user three times and runs two ``get_or_create``: this
    one reads the token's outstanding row with its blacklist entry and user in one query, then
    inserts the blacklist row and the rotated token's row in one transaction. The blacklist row is
    unique per token, so of two refreshes of the same token racing, only one succeeds.
    """

    refresh = serializers.CharField(
        help_text="In cookie mode it may be omitted: the cookie is used."
    )
    token_class = _RefreshToken

    def validate(self, attrs: dict) -> dict:
        raw = attrs["refresh"]
        refresh = self.token_class(raw)  # signature, expiry, type and jti
        jti = refresh[jwt_settings.JTI_CLAIM]
        try:
            outstanding = OutstandingToken.objects.select_related("user", "blacklistedtoken").get(
                jti=jti
            )
        except OutstandingToken.DoesNotExist:
            outstanding = None
        if outstanding is not None and hasattr(outstanding, "blacklistedtoken"):
            raise TokenError("Token is blacklisted")
        user = self._token_user(refresh, outstanding)

        data = {"access": str(refresh.access_token)}
        if not jwt_settings.ROTATE_REFRESH_TOKENS:
            return data
        try:
            with transaction.atomic():
                if jwt_settings.BLACKLIST_AFTER_ROTATION:
                    if outstanding is None:  # issued without being recorded: record it now
                        outstanding = _outstanding_create(refresh, token=raw, user=user)
                    BlacklistedToken.objects.create(token=outstanding)
                refresh.set_jti()
                refresh.set_exp()
                refresh.set_iat()
                data["refresh"] = str(refresh)
                _outstanding_create(refresh, token=data["refresh"], user=user)
        except IntegrityError as exc:  # a concurrent refresh of this token blacklisted it first
            raise TokenError("Token is blacklisted") from exc
        return data

    @staticmethod
    def _token_user(refresh: RefreshToken, outstanding: OutstandingToken | None) -> User | None:
        """The token's user, checked as simplejwt does; None when the token names no user."""
        user_id = refresh.get(jwt_settings.USER_ID_CLAIM)
        if not user_id:
            return None
        user = outstanding.user if outstanding is not None else None
        if user is None or str(getattr(user, jwt_settings.USER_ID_FIELD)) != str(user_id):
            user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first()
        if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
            raise TokenError("User is gone or inactive")
        return user


def _outstanding_create(
    refresh: RefreshToken, *, token: str, user: User | None
) -> OutstandingToken:
    return OutstandingToken.objects.create(
        jti=refresh[jwt_settings.JTI_CLAIM],
        user=user,
        token=token,
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )


class TokenRefreshResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(help_text="The rotated refresh token; the old one is revoked.")


class LogoutRequestSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False, help_text="Omit in cookie mode.")


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
