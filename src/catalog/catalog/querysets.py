from django.db import models

from catalog.cache import cached_get, cached_set, movie_count_key
from catalog.conf import catalog_settings


class MovieQuerySet(models.QuerySet):
    def with_cached_count(self) -> "CachedCountMovieQuerySet":
        """The same query, whose ``count()`` (the paginator's) is cached per catalog version.

        A COUNT over a large filtered catalog scans; every page of the same filter shares it.
        """
        clone = self._chain()
        clone.__class__ = CachedCountMovieQuerySet
        return clone


class CachedCountMovieQuerySet(MovieQuerySet):
    def count(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        query = self.query.clone()
        query.clear_ordering(force=True)  # every ordering of one filter shares its count
        key = movie_count_key(str(query))
        version, count = cached_get(key)
        if count is None:
            count = super().count()
            cached_set(key, version, count, timeout=catalog_settings.CACHE_TIMEOUT)
        return count
