from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from catalog.selectors import movie_exists, movie_for_list
from favorites.conf import favorites_settings
from favorites.models import FavoriteMovie

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

ALREADY_FAVORITE = "This movie is already in your favorites."


def _unknown_movie(movie_id: int) -> ValidationError:
    return ValidationError({"movie_id": f'Invalid pk "{movie_id}" - object does not exist.'})


def favorite_add(*, user: "_User", movie_id: int) -> FavoriteMovie:
    """Add a movie to the user's favorites; the returned favorite holds the movie, ready to
    serialize. Raises ``ValidationError`` (field ``movie_id`` for an unknown movie; non-field over
    the limit, or when it is already there, also when a concurrent request won)."""
    # An exact lookup: Django answers an id out of the column's range with no row, not an error.
    movie = movie_for_list(movie_id=movie_id)
    if movie is None:
        raise _unknown_movie(movie_id)
    mine = FavoriteMovie.objects.filter(user_id=user.pk)
    kept = mine.aggregate(all=Count("pk"), this=Count("pk", filter=Q(movie_id=movie_id)))
    if kept["all"] >= favorites_settings.MAX_PER_USER:
        raise ValidationError(
            f"You cannot keep more than {favorites_settings.MAX_PER_USER} favorites."
        )
    if kept["this"]:
        raise ValidationError(ALREADY_FAVORITE)
    try:
        with transaction.atomic():
            return FavoriteMovie.objects.create(user=user, movie=movie)
    except IntegrityError:
        # A concurrent add of the same movie committed first (unique constraint), or the movie
        # was deleted meanwhile.
        if movie_exists(movie_id=movie_id):
            raise ValidationError(ALREADY_FAVORITE) from None
        raise _unknown_movie(movie_id) from None


@transaction.atomic
def favorite_remove(*, user: "_User", favorite_id: int) -> None:
    """Remove one of the user's favorites; ``FavoriteMovie.DoesNotExist`` if it is not theirs."""
    FavoriteMovie.objects.get(pk=favorite_id, user=user).delete()
