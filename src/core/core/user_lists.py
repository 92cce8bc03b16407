"""A user's list of movies (favorites, the watchlist): the per-user page cache, the add that
keeps one row per movie under a limit and answers a lost race, and the receivers that bump the
user's namespace on every change. Each app names its own model, messages and settings; the
catalog's functions and signals come in as arguments (``core`` imports no app)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from core import versioned_cache
from core.versioned_cache import Namespace, Read, Snapshot

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class UserListCache:
    """Keys ``<prefix>_<user_id>_page_<page>`` (``_size_<n>`` for an explicit page size), valid
    for one version of the namespace ``<prefix>_<user_id>_version``."""

    prefix: str
    timeout: Callable[[], float]

    def namespace(self, user_id: int) -> Namespace:
        return Namespace(f"{self.prefix}_{user_id}_version")

    def page_key(self, *, user_id: int, page: int, page_size: int | None = None) -> str:
        key = f"{self.prefix}_{user_id}_page_{page}"
        return f"{key}_size_{page_size}" if page_size else key

    def bump_users(self, user_ids: Iterable[int]) -> None:
        versioned_cache.bump(*(self.namespace(user_id) for user_id in set(user_ids)))

    def pages(self, user_id: int) -> "UserPages":
        return UserPages(self, user_id)


@dataclass(frozen=True)
class UserPages:
    """One user's cached pages of a list (a ``core.api.pagination.PageCache``)."""

    cache: UserListCache
    user_id: int

    @property
    def timeout(self) -> float:
        return self.cache.timeout()

    def page_key(self, page: int, page_size: int | None) -> str:
        return self.cache.page_key(user_id=self.user_id, page=page, page_size=page_size)

    def page_read(self, key: str | None) -> Read:
        return Read([self.cache.namespace(self.user_id)], [key] if key else [])

    def found(self, snapshot: Snapshot) -> Snapshot:
        return snapshot


@dataclass(frozen=True)
class ListMessages:
    """What an add answers: the movie already there, and the list full (``{limit}``)."""

    already: str
    too_many: str


def unknown_movie(movie_id: int) -> ValidationError:
    """The spec's field error for a movie id no movie has."""
    return ValidationError({"movie_id": f'Invalid pk "{movie_id}" - object does not exist.'})


@dataclass(frozen=True)
class Imported:
    """What an import into one of a user's collections did: rows ``added`` (or replaced),
    rows already ``present`` (or repeated in the batch), and the ``rejected`` ones as (their
    index in the rows given, the reason: invalid, unknown movie, a later one kept), in that
    order."""

    added: int
    present: int
    rejected: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class UserMovieList(Generic[M]):
    """The writes of a list whose ``model`` has ``user`` and ``movie`` foreign keys and a unique
    constraint on them; ``find_movie``, ``movie_exists`` and ``existing_movie_ids`` are the
    catalog's selectors (``movie_for_list``, ``movie_exists``, ``existing_movie_ids``, called
    with ``movie_id=`` / ``movie_ids=``); ``cache``, the list's pages."""

    model: type[M]
    messages: ListMessages
    limit: Callable[[], int]
    find_movie: Callable[..., Any]
    movie_exists: Callable[..., bool]
    existing_movie_ids: Callable[..., set[int]]
    cache: UserListCache

    def add(self, *, user: Any, movie_id: int) -> M:
        """The user's new row for the movie, holding the movie (ready to serialize); else a
        ``ValidationError``: field ``movie_id`` for an unknown movie, non-field over the limit
        or when it is already there, also when a concurrent add of it committed first."""
        # An exact lookup: Django answers an id out of the column's range with no row.
        movie = self.find_movie(movie_id=movie_id)
        if movie is None:
            raise unknown_movie(movie_id)
        kept = self.model._default_manager.filter(user_id=user.pk)
        counts = kept.aggregate(all=Count("pk"), this=Count("pk", filter=Q(movie_id=movie_id)))
        limit = self.limit()
        if counts["all"] >= limit:
            raise ValidationError(self.messages.too_many.format(limit=limit))
        if counts["this"]:
            raise ValidationError(self.messages.already)
        try:
            with transaction.atomic():
                return self.model._default_manager.create(user=user, movie=movie)
        except IntegrityError:  # the unique constraint, or the movie deleted meanwhile
            if self.movie_exists(movie_id=movie_id):
                raise ValidationError(self.messages.already) from None
            raise unknown_movie(movie_id) from None

    def add_many(self, *, user: Any, movie_ids: Iterable[int]) -> Imported:
        """Add these movies to the user's list at once (an import), all or nothing: a movie
        already there (or repeated) is ``present``, an unknown one ``rejected``. A
        ``ValidationError`` (nothing added) if they would take the list past its limit. The
        user's row is locked meanwhile, so parallel imports count exactly; the user's pages
        go once the transaction commits (a bulk insert sends no signal)."""
        given = list(movie_ids)
        known = self.existing_movie_ids(movie_ids=given)
        manager = self.model._default_manager
        with transaction.atomic():
            user_model = type(user)
            list(user_model._default_manager.select_for_update().filter(pk=user.pk).values("pk"))
            kept = manager.filter(user_id=user.pk)
            seen = set(kept.filter(movie_id__in=known).values_list("movie_id", flat=True))
            new: list[int] = []
            rejected: list[tuple[int, str]] = []
            for index, movie_id in enumerate(given):
                if movie_id not in known:
                    rejected.append((index, "movie_id: No such movie."))
                elif movie_id in seen:
                    continue
                else:
                    seen.add(movie_id)
                    new.append(movie_id)
            limit = self.limit()
            if new and kept.count() + len(new) > limit:
                raise ValidationError(self.messages.too_many.format(limit=limit))
            rows = [self.model(user_id=user.pk, movie_id=movie_id) for movie_id in new]
            manager.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
            if new:
                user_id = user.pk
                transaction.on_commit(lambda: self.cache.bump_users([user_id]))
        return Imported(added=len(new), present=len(given) - len(new) - len(rejected),
                        rejected=rejected)  # fmt: skip

    @transaction.atomic
    def remove(self, *, user: Any, row_id: int) -> None:
        """Delete the user's row ``row_id``; the model's ``DoesNotExist`` if it is not theirs."""
        delete_one(self.model._default_manager.filter(pk=row_id, user=user))


def delete_one(rows: models.QuerySet[Any]) -> None:
    """Delete the one row of ``rows``; its model's ``DoesNotExist`` if none was deleted. One
    statement, so of parallel removals of one row only one deletes it (a read, then a delete,
    answered each of them as if it had)."""
    deleted = rows.delete()[1].get(rows.model._meta.label, 0)
    if not deleted:
        raise rows.model.DoesNotExist


def connect_invalidation(
    model: type[models.Model],
    cache: UserListCache,
    *,
    movies_changed: Signal,
    user_ids_for_movies: Callable[..., Iterable[int]],
    uid: str,
) -> None:
    """Bump a user's namespace once a change to one of their rows has committed (the API, the
    admin, QuerySet.delete, cascades), and for every user keeping a movie the catalog changed
    (``movies_changed``, sent after commit, with ``movie_ids``)."""

    def row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        user_id = instance.user_id
        transaction.on_commit(lambda: cache.bump_users([user_id]))

    def catalog_changed(sender: Any, movie_ids: Iterable[int], **kwargs: Any) -> None:
        cache.bump_users(user_ids_for_movies(movie_ids=movie_ids))

    post_save.connect(row_changed, sender=model, weak=False, dispatch_uid=f"{uid}.saved")
    post_delete.connect(row_changed, sender=model, weak=False, dispatch_uid=f"{uid}.deleted")
    movies_changed.connect(catalog_changed, weak=False, dispatch_uid=f"{uid}.movies_changed")


def user_ids_for_movies(
    rows: "models.QuerySet[Any]", *, movie_ids: Iterable[int], chunk: int = 5000
) -> set[int]:
    """Users having a row (of ``rows``) for any of these movies."""
    movie_ids = list(movie_ids)
    users: set[int] = set()
    for start in range(0, len(movie_ids), chunk):
        found = rows.filter(movie_id__in=movie_ids[start : start + chunk])
        # order_by(): without it the model's default ordering joins the DISTINCT (one row per
        # row instead of per user).
        users.update(found.order_by().values_list("user_id", flat=True).distinct())
    return users


def row_ids_by_movie(
    rows: "models.QuerySet[Any]", *, movie_ids: list[int]
) -> dict[int, dict[str, int]]:
    """``{movie id: {"id": row id}}`` for those of these movies among ``rows`` (a user's), for
    ``ACCOUNTS['ACCOUNT_STATES']``: one query."""
    found = rows.filter(movie_id__in=movie_ids).order_by().values_list("pk", "movie_id")
    return {movie_id: {"id": pk} for pk, movie_id in found}


def newest_with_movies(
    rows: "models.QuerySet[M]", *, at: str, movie_fields: Iterable[str], fields: Iterable[str] = ()
) -> "models.QuerySet[M]":
    """A user's ``rows``, newest first by ``at`` (id as tie-break), joined to their movie with
    only ``movie_fields`` (``catalog.items.list_item_fields("movie")``) and ``fields`` read."""
    columns = ["id", at, "user_id", *fields, *movie_fields]
    return rows.select_related("movie").only(*columns).order_by(f"-{at}", "-id")


def export_rows(
    rows: "models.QuerySet[Any]", *, at: str, fields: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """A user's rows for their data export (``ACCOUNTS['EXPORTERS']``), oldest first: each
    movie's id and title, ``fields``, and ``at`` (ISO 8601)."""
    fields = list(fields)
    found = rows.order_by(at, "id").values_list("movie_id", "movie__title", *fields, at)
    return [
        {
            "movie_id": movie_id,
            "title": title,
            **{name: _plain(value) for name, value in zip(fields, values, strict=True)},
            at: when.isoformat(),
        }
        for movie_id, title, *values, when in found
    ]


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value
