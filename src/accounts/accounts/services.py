from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User


@transaction.atomic
def user_create(*, username: str, email: str, password: str) -> User:
    """Create an active user; raises django ``ValidationError`` on bad data or a weak password."""
    user = User(username=username, email=User.objects.normalize_email(email))
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        user.full_clean()  # a concurrent duplicate is visible now: report it per field
        raise
    return user


def refresh_token_blacklist(*, token: str) -> None:
    """Revoke a refresh token (logout). Raises ``TokenError`` if it is already invalid."""
    RefreshToken(token).blacklist()  # type: ignore[arg-type]
