"""A user's rating of a movie: set (created or replaced) and removed."""

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.selectors import movie_for_list
from ratings.models import HIGHEST, LOWEST, STEP, Rating

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

INVALID_VALUE = "Enter a number from 0.5 to 10 in steps of 0.5."


class MovieNotFound(ObjectDoesNotExist):
    """The rated movie does not exist (answered 404, as for any unknown URL id)."""


def rating_value(raw: Any) -> Decimal:
    """``raw`` as a rating if it is a number (a JSON number: not a bool, not a string; or a
    Decimal) from 0.5 to 10 in steps of 0.5; else ``ValidationError``."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise ValidationError(INVALID_VALUE, code="invalid")
    if not isinstance(raw, int) and not math.isfinite(raw):  # NaN compares as nothing
        raise ValidationError(INVALID_VALUE, code="invalid")
    if not LOWEST <= raw <= HIGHEST:  # compared before converting: 10**400 is no Decimal trap
        raise ValidationError(INVALID_VALUE, code="invalid")
    value = Decimal(str(raw))
    if value % STEP:
        raise ValidationError(INVALID_VALUE, code="invalid")
    return value.quantize(Decimal("0.1"))


def rating_set(*, user: "_User", movie_id: int, value: Any) -> tuple[Rating, bool]:
    """The user's rating of the movie set to ``value`` (checked by ``rating_value``), and
    whether it is new; the rating holds the movie, ready to serialize. ``MovieNotFound`` for an
    unknown movie. Concurrent sets of one movie leave one row (Django's ``update_or_create``
    locks it, and reads it again when a concurrent create won)."""
    checked = rating_value(value)
    movie = movie_for_list(movie_id=movie_id)
    if movie is None:
        raise MovieNotFound
    with transaction.atomic():
        rating, created = Rating.objects.update_or_create(
            user=user, movie_id=movie.pk, defaults={"value": checked, "rated_at": timezone.now()}
        )
    rating.movie = movie
    return rating, created


@transaction.atomic
def rating_remove(*, user: "_User", movie_id: int) -> None:
    """Remove the user's rating of the movie; ``Rating.DoesNotExist`` if there is none."""
    # movie__pk, not movie_id: the movie's own id field answers an id out of its range with no
    # row, where the foreign key column would make the database raise.
    Rating.objects.get(user=user, movie__pk=movie_id).delete()
