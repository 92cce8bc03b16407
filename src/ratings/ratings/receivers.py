"""A rating changed (any path: API, admin, QuerySet.delete, cascades): once committed, the
user's cached pages go, and the movie's detail is announced as changed (its average), which
invalidates that movie's cached detail alone. A catalog change to a rated movie invalidates the
pages of the users who rated it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.signals import movie_details_changed, movies_changed
from core.user_lists import connect_invalidation
from ratings.cache import RATING_LISTS
from ratings.models import Rating
from ratings.selectors import rating_user_ids_for_movies

connect_invalidation(
    Rating,
    RATING_LISTS,
    movies_changed=movies_changed,
    user_ids_for_movies=rating_user_ids_for_movies,
    uid="ratings.rating",
)


@receiver(post_save, sender=Rating, dispatch_uid="ratings.rating_saved.detail")
@receiver(post_delete, sender=Rating, dispatch_uid="ratings.rating_deleted.detail")
def _average_changed(sender, instance: Rating, **kwargs) -> None:
    movie_ids = [instance.movie_id]
    transaction.on_commit(lambda: movie_details_changed.send(sender=Rating, movie_ids=movie_ids))
