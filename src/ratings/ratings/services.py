"""A user's rating of a movie: set (created or replaced), removed, and many imported at once
(the imports app), where the latest rating of a movie wins."""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.selectors import existing_movie_ids, movie_for_list
from catalog.signals import movie_details_changed
from core.user_lists import Imported, delete_one
from ratings.cache import RATING_LISTS
from ratings.models import HIGHEST, LOWEST, STEP, Rating

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

INVALID_VALUE = "Enter a number from 0.5 to 10 in steps of 0.5."
LATER_KEPT = "a later rating of the movie is kept"


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
    delete_one(Rating.objects.filter(user=user, movie__pk=movie_id))


@dataclass(frozen=True)
class RatingIn:
    """A rating to import: a movie id, a value (0.5 to 10 in steps of 0.5) and when it was
    given (None: unknown, older than any rating with a time)."""

    movie_id: int
    value: Any
    rated_at: datetime.datetime | None = None


def ratings_import(*, user: "_User", ratings: Iterable[RatingIn]) -> Imported:
    """Store ``ratings`` as the user's, all in one transaction; of several ratings of a movie
    (the user's own, set in the app at ``rated_at``, and those given) the latest one is kept.
    A rating is ``added`` when it is new or replaces an older one, ``present`` when the user
    (or the batch) has that value already; ``rejected`` with its reason for an invalid value, an
    unknown movie, or another value rated later (``LATER_KEPT``). Importing a file again
    changes nothing. The user's row is locked meanwhile; pages and the movies' averages are
    invalidated on commit."""
    given = list(ratings)
    rejected: list[tuple[int, str]] = []
    latest: dict[int, tuple[int, Decimal, datetime.datetime | None]] = {}
    for index, rating in enumerate(given):
        try:
            value = rating_value(rating.value)
        except ValidationError:
            rejected.append((index, f"value: {INVALID_VALUE}"))
            continue
        kept = latest.get(rating.movie_id)
        if kept is None or _later(rating.rated_at, kept[2]):
            if kept is not None and kept[1] != value:
                rejected.append((kept[0], LATER_KEPT))
            latest[rating.movie_id] = (index, value, rating.rated_at)
        elif kept[1] != value:
            rejected.append((index, LATER_KEPT))
    known = existing_movie_ids(movie_ids=latest)
    for movie_id in set(latest) - known:
        rejected.append((latest.pop(movie_id)[0], "movie_id: No such movie."))
    changed: list[Rating] = []
    new: list[Rating] = []
    with transaction.atomic():
        users = get_user_model()._default_manager
        list(users.select_for_update().filter(pk=user.pk).values("pk"))
        mine = {r.movie_id: r for r in Rating.objects.filter(user_id=user.pk, movie_id__in=latest)}
        now = timezone.now()
        for movie_id, (index, value, rated_at) in latest.items():
            current = mine.get(movie_id)
            if current is None:
                new.append(Rating(user_id=user.pk, movie_id=movie_id, value=value,
                                  rated_at=rated_at or now))  # fmt: skip
            elif current.value == value:
                continue  # present
            elif _later(rated_at, current.rated_at):
                current.value, current.rated_at = value, rated_at or now
                changed.append(current)
            else:
                rejected.append((index, LATER_KEPT))
        Rating.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        Rating.objects.bulk_update(changed, ["value", "rated_at"], batch_size=1000)
        touched = [rating.movie_id for rating in (*new, *changed)]
        if touched:  # bulk writes send no signals: the pages and averages go once committed
            user_id = user.pk

            def invalidate() -> None:
                RATING_LISTS.bump_users([user_id])
                movie_details_changed.send(sender=Rating, movie_ids=touched)

            transaction.on_commit(invalidate)
    rejected.sort()
    added = len(new) + len(changed)
    return Imported(added=added, present=len(given) - added - len(rejected), rejected=rejected)


def _later(when: datetime.datetime | None, than: datetime.datetime | None) -> bool:
    """Whether a rating given at ``when`` is later than one given at ``than`` (None: unknown,
    earlier than any time; of two unknown, the first kept)."""
    if when is None:
        return False
    return than is None or when > than
