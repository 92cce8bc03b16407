"""Access tokens that must be refused: expired, tampered, unsigned, signed another way."""

import base64
import datetime
import json

import jwt
import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

ME = reverse("accounts:me")

pytestmark = pytest.mark.django_db


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def get_me(api_client, token: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client.get(ME)


def claims_for(user) -> dict:
    return dict(AccessToken.for_user(user).payload)


def test_valid_token_is_accepted(api_client, user):
    assert get_me(api_client, str(AccessToken.for_user(user))).status_code == 200


def test_expired_token_is_refused(api_client, user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-datetime.timedelta(seconds=1))

    response = get_me(api_client, str(token))

    assert response.status_code == 401
    assert response.json()["detail"] == "Given token not valid for any token type"


def test_tampered_payload_is_refused(api_client, user):
    header, _, signature = str(AccessToken.for_user(user)).split(".")
    forged = b64({**claims_for(user), "user_id": "999"})

    assert get_me(api_client, f"{header}.{forged}.{signature}").status_code == 401


def test_unsigned_alg_none_token_is_refused(api_client, user):
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims_for(user))}."

    assert get_me(api_client, token).status_code == 401


def test_token_signed_with_another_key_is_refused(api_client, user):
    token = jwt.encode(claims_for(user), "not-our-key-" * 4, algorithm="HS256")

    assert get_me(api_client, token).status_code == 401


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_algorithm_confusion_is_refused(api_client, user):
    """HS512 with our own key is still refused: only the configured HS256 is accepted."""
    key = settings.SIMPLE_JWT["SIGNING_KEY"]
    token = jwt.encode(claims_for(user), key, algorithm="HS512")

    assert get_me(api_client, token).status_code == 401


def test_refresh_token_cannot_be_used_as_access_token(api_client, user):
    assert get_me(api_client, str(RefreshToken.for_user(user))).status_code == 401


def test_token_of_a_deactivated_user_is_refused(api_client, user):
    token = str(AccessToken.for_user(user))
    user.is_active = False
    user.save()

    assert get_me(api_client, token).status_code == 401
