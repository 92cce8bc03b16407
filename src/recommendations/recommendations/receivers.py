"""Cached recommendation pages show movies (titles, posters): a change to the catalog's movies,
or their removal, invalidates them all. The picks they are built from stay cached. A hidden
movie hidden or restored (any path) invalidates the user's recommendations and hidden list."""

from django.dispatch import receiver

from catalog.signals import movies_changed, movies_removed
from core.user_lists import connect_invalidation
from recommendations.cache import HIDDEN, MOVIES
from recommendations.models import HiddenMovie
from recommendations.selectors import hidden_user_ids_for_movies


@receiver(movies_changed, dispatch_uid="recommendations.movies_changed")
@receiver(movies_removed, dispatch_uid="recommendations.movies_removed")
def _movies_changed(sender, movie_ids, **kwargs) -> None:
    MOVIES.bump()  # both are sent once the change has committed


connect_invalidation(
    HiddenMovie,
    HIDDEN,
    movies_changed=movies_changed,
    user_ids_for_movies=hidden_user_ids_for_movies,
    uid="recommendations.hidden",
)
