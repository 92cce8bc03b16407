"""Per-user cache of computed recommendations (movie ids, scores, reasons; not the movies).

Keys ``recommendations_<user_id>_build_<build_id>`` are stored under the user's favorites
version, so they are invalidated whenever that user's favorites change, and a new build of the
neighbour table changes the key itself.
"""

from django.core.cache import cache

from favorites.selectors import favorites_version
from recommendations.conf import recommendations_settings


def cached_picks(*, user_id: int, build_id: int | None, compute):
    version = favorites_version(user_id=user_id)
    if version is None:  # cache unavailable: compute every time
        return compute()
    key = f"recommendations_{user_id}_build_{build_id or 0}"
    picks = cache.get(key, version=version)
    if picks is None:
        picks = compute()
        cache.set(key, picks, timeout=recommendations_settings.CACHE_TIMEOUT, version=version)
    return picks
