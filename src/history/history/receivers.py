"""Cache invalidation for history pages: plays added or removed on any path (API, admin,
QuerySet.delete, cascades; an import's bulk insert bumps the namespace itself) and catalog
changes to a movie someone played; after commit."""

from catalog.signals import movies_changed
from core.user_lists import connect_invalidation
from history.cache import HISTORIES
from history.models import Play
from history.selectors import play_user_ids_for_movies

connect_invalidation(
    Play,
    HISTORIES,
    movies_changed=movies_changed,
    user_ids_for_movies=play_user_ids_for_movies,
    uid="history.play",
)
