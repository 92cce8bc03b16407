"""Cached recommendation pages show movies (titles, posters): a change to the catalog's movies,
or their removal, invalidates them all. The picks they are built from stay cached."""

from django.dispatch import receiver

from catalog.signals import movies_changed, movies_removed
from recommendations.cache import MOVIES


@receiver(movies_changed, dispatch_uid="recommendations.movies_changed")
@receiver(movies_removed, dispatch_uid="recommendations.movies_removed")
def _movies_changed(sender, movie_ids, **kwargs) -> None:
    MOVIES.bump()  # both are sent once the change has committed
