from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.selectors import movie_exists
from favorites.conf import favorites_settings
from favorites.models import FavoriteMovie

ALREADY_FAVORITE = "This movie is already in your favorites."


def favorite_add(*, user, movie_id: int) -> FavoriteMovie:
    """Add a movie to the user's favorites. Raises ``ValidationError`` (field ``movie_id`` for an
    unknown movie; non-field when it is already there, also when a concurrent request won)."""
    if not movie_exists(movie_id=movie_id):
        raise ValidationError({"movie_id": f'Invalid pk "{movie_id}" - object does not exist.'})
    if FavoriteMovie.objects.filter(user=user).count() >= favorites_settings.MAX_PER_USER:
        raise ValidationError(
            f"You cannot keep more than {favorites_settings.MAX_PER_USER} favorites."
        )
    try:
        with transaction.atomic():
            return FavoriteMovie.objects.create(user=user, movie_id=movie_id)
    except IntegrityError:
        # A concurrent add of the same movie committed first (unique constraint), or the movie
        # was deleted meanwhile.
        if movie_exists(movie_id=movie_id):
            raise ValidationError(ALREADY_FAVORITE) from None
        raise ValidationError(
            {"movie_id": f'Invalid pk "{movie_id}" - object does not exist.'}
        ) from None


@transaction.atomic
def favorite_remove(*, user, favorite_id: int) -> None:
    """Remove one of the user's favorites; ``FavoriteMovie.DoesNotExist`` if it is not theirs."""
    FavoriteMovie.objects.get(pk=favorite_id, user=user).delete()
