"""Changes to stored movies or genres invalidate cached responses, once committed.

Single-row saves and deletes (the admin) are announced as ``movies_changed`` and
``movies_removed``, like bulk syncs, so other apps showing movies hear of all of them the same way.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.cache import CATALOG, movie_namespace
from catalog.models import Genre, Movie
from catalog.signals import movie_details_changed, movies_changed, movies_removed
from core import versioned_cache


@receiver(movies_changed, dispatch_uid="catalog.movies_changed.bump_version")
@receiver(movies_removed, dispatch_uid="catalog.movies_removed.bump_version")
def _movies_changed(sender, movie_ids, **kwargs) -> None:
    CATALOG.bump()


@receiver(movie_details_changed, dispatch_uid="catalog.movie_details_changed.bump_movies")
def _movie_details_changed(sender, movie_ids, **kwargs) -> None:
    versioned_cache.bump(*(movie_namespace(movie_id) for movie_id in set(movie_ids)))


@receiver(post_save, sender=Movie, dispatch_uid="catalog.movie_saved")
def _movie_saved(sender, instance: Movie, **kwargs) -> None:
    movie_ids = [instance.pk]
    transaction.on_commit(lambda: movies_changed.send(sender=Movie, movie_ids=movie_ids))


@receiver(post_delete, sender=Movie, dispatch_uid="catalog.movie_deleted")
def _movie_deleted(sender, instance: Movie, **kwargs) -> None:
    movie_ids = [instance.pk]
    transaction.on_commit(lambda: movies_removed.send(sender=Movie, movie_ids=movie_ids))


@receiver(post_save, sender=Genre, dispatch_uid="catalog.genre_saved")
@receiver(post_delete, sender=Genre, dispatch_uid="catalog.genre_deleted")
@receiver(m2m_changed, sender=Movie.genres.through, dispatch_uid="catalog.movie_genres_changed")
def _catalog_changed(sender, **kwargs) -> None:
    transaction.on_commit(CATALOG.bump)
