"""Cache invalidation for favorites lists, on every path that changes what a page shows:
favorites added or removed (API, admin, QuerySet.delete, cascades from a deleted user or movie)
and catalog changes to a movie someone keeps. Runs once the transaction has committed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.signals import movies_changed
from favorites.cache import bump_user_versions
from favorites.models import FavoriteMovie
from favorites.selectors import favorite_user_ids_for_movies


@receiver(post_save, sender=FavoriteMovie, dispatch_uid="favorites.favorite_saved")
@receiver(post_delete, sender=FavoriteMovie, dispatch_uid="favorites.favorite_deleted")
def _favorite_changed(sender, instance: FavoriteMovie, **kwargs) -> None:
    user_id = instance.user_id
    transaction.on_commit(lambda: bump_user_versions([user_id]))


@receiver(movies_changed, dispatch_uid="favorites.movies_changed")
def _movies_changed(sender, movie_ids, **kwargs) -> None:
    bump_user_versions(favorite_user_ids_for_movies(movie_ids=movie_ids))
