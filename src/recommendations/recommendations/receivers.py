"""Cached recommendation pages show movies (titles, posters): a change to the catalog's movies
invalidates them all, once committed. The picks they are built from stay cached."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from catalog.signals import movies_changed
from recommendations.cache import bump_movies_version


@receiver(movies_changed, dispatch_uid="recommendations.movies_changed")
def _movies_changed(sender, movie_ids, **kwargs) -> None:
    bump_movies_version()  # sent once the change has committed


# catalog.signals announces changed movies, not deleted ones; the model is named lazily, as the
# import contracts keep recommendations away from catalog.models.
@receiver(post_delete, sender="catalog.Movie", dispatch_uid="recommendations.movie_deleted")
def _movie_deleted(sender, **kwargs) -> None:
    transaction.on_commit(bump_movies_version)
