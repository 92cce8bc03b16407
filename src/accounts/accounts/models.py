import unicodedata
from collections.abc import Collection
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.validators import validate_single_script

ALREADY_TAKEN = "A user with that username already exists."


def fold_username(name: str) -> str:
    """The one rule by which usernames are compared (uniqueness, login, lockout records, the
    export and deletion of login records): Unicode form NFKC, then case folding, in Python, so
    that every database agrees ("boßlady" is "bosslady", "Ärger" is "ärger" on SQLite too)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


class CaseInsensitiveUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        """The user whose username folds to the same (``fold_username``), as usernames are
        unique: logging in as ``Alice``, or ``ALICE`` in fullwidth letters, finds ``alice``."""
        return self.get(username_key=fold_username(username or ""))


class User(AbstractUser):
    """The project's user: a required e-mail, unique regardless of case; a username unique
    once folded (``username_key``: regardless of case and Unicode form; the name itself is
    stored NFKC-normalised), of one script.

    ``token_version`` is carried in every token issued to the user and must match for the
    token to be accepted: a save that changes the password or deactivates the user moves it on,
    so every token issued before is revoked at once (the admin, management commands and the API
    alike). A bulk ``QuerySet.update`` bypasses ``save()``: bump it there by hand.
    """

    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text="150 characters or fewer: letters, digits and @/./+/-/_ only.",
        validators=[UnicodeUsernameValidator(), validate_single_script],
        error_messages={"unique": ALREADY_TAKEN},
    )
    # Case folding may lengthen a name up to three times ("ΐ" folds to three characters).
    username_key = models.CharField(
        "folded username",
        max_length=450,
        unique=True,
        editable=False,
        help_text="The username folded (fold_username): unique, and what logins compare.",
    )
    email = models.EmailField("email address", max_length=254)
    email_verified_at = models.DateTimeField(
        "e-mail verified at",
        null=True,
        blank=True,
        help_text="When the user confirmed the current address; empty while it is unverified.",
    )
    email_changed_at = models.DateTimeField(
        "e-mail changed at",
        null=True,
        blank=True,
        editable=False,
        help_text="When the address last changed: links sent before no longer verify it.",
    )
    token_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Moves on to revoke every token of the user."
    )

    REQUIRED_FIELDS = ["email"]

    objects: ClassVar[CaseInsensitiveUserManager] = CaseInsensitiveUserManager()
    _loaded_active: bool | None  # is_active as loaded from the database (from_db)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # the stubs omit abstract Metas
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        user = super().from_db(db, field_names, values)
        user._loaded_active = user.__dict__.get("is_active")
        return user

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        """Django's checks, and the folded username's (not a form field, so never checked by
        them): a twin is reported on ``username``."""
        super().validate_unique(exclude)
        if exclude and "username" in exclude:
            return
        twins = User._default_manager.filter(username_key=fold_username(self.get_username()))
        if twins.exclude(pk=self.pk).exists():
            raise ValidationError({"username": ALREADY_TAKEN}, code="unique")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username_key = fold_username(self.get_username())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        if self._revokes_tokens():
            self.token_version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "token_version"}
        super().save(*args, **kwargs)
        self._loaded_active = self.is_active

    def _revokes_tokens(self) -> bool:
        """A new password (``set_password``: Django's rehash of the same password on login is
        not one) or a deactivation, on a user that exists."""
        if self.pk is None:
            return False
        deactivated = getattr(self, "_loaded_active", None) is True and not self.is_active
        # _password: set by set_password (Django's private attribute; the stubs omit it).
        return self._password is not None or deactivated  # type: ignore[attr-defined]


class RotatedRefreshToken(models.Model):
    """A refresh token that rotation replaced: still accepted for
    ``ACCOUNTS['ROTATION_GRACE_SECONDS']`` (parallel tabs refreshing with the same token); a use
    after that is a reuse, and revokes every token of the user."""

    token = models.OneToOneField(
        "token_blacklist.OutstandingToken",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="rotation",
    )
    rotated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.token_id} rotated at {self.rotated_at:%Y-%m-%d %H:%M:%S}"
