from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from catalog.selectors import movie_exists, movie_list
from favorites.conf import favorites_settings
from favorites.models import FavoriteMovie

ALREADY_FAVORITE = "This movie is already in your favorites."


def _unknown_movie(movie_id: int) -> ValidationError:
    return ValidationError({"movie_id": f'Invalid pk "{movie_id}" - object does not exist.'})


def _movie_for_add(*, user, movie_id: int):
    """The movie (with the fields a list item shows) annotated with ``kept``, how many favorites
    the user has, and ``already``, whether it is one of them: one query; None if no such movie."""
    mine = FavoriteMovie.objects.filter(user_id=user.pk).order_by()
    kept = mine.values("user_id").annotate(n=Count("pk")).values("n")
    # An exact lookup: Django answers an id out of the column's range with no row, not an error.
    movies = (
        movie_list()
        .filter(pk=movie_id)
        .annotate(
            kept=Coalesce(Subquery(kept), Value(0)),
            already=Exists(mine.filter(movie_id=OuterRef("pk"))),
        )
    )
    return next(iter(movies), None)


def favorite_add(*, user, movie_id: int) -> FavoriteMovie:
    """Add a movie to the user's favorites; the returned favorite holds the movie, ready to
    serialize. Raises ``ValidationError`` (field ``movie_id`` for an unknown movie; non-field over
    the limit, or when it is already there, also when a concurrent request won)."""
    movie = _movie_for_add(user=user, movie_id=movie_id)
    if movie is None:
        raise _unknown_movie(movie_id)
    if movie.kept >= favorites_settings.MAX_PER_USER:
        raise ValidationError(
            f"You cannot keep more than {favorites_settings.MAX_PER_USER} favorites."
        )
    if movie.already:
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
def favorite_remove(*, user, favorite_id: int) -> None:
    """Remove one of the user's favorites; ``FavoriteMovie.DoesNotExist`` if it is not theirs."""
    FavoriteMovie.objects.get(pk=favorite_id, user=user).delete()
