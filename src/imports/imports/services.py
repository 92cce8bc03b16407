"""An import's life: created from an upload (checked at once as far as it cheaply can be),
then run by a worker (``import_run``): the file read, its films matched to the catalog, and its
entries applied through the other apps' import services (``IMPORTS['TARGETS']``) in one
transaction, so a failed import stores nothing. The upload is deleted when the import ends."""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.conf import installed_entries
from core.jobs import JobRunning, delay_on_commit, job_lock
from imports.conf import imports_settings
from imports.entries import FAVORITE, PLAY, RATING, WATCHLIST, Entry, Parsed
from imports.files import NotThatSource, Refused
from imports.formats import Limits, detect, read
from imports.matching import FilmRef, TMDBRetryLater, Unmatched, match_films
from imports.models import Import, Status, Upload

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

logger = logging.getLogger(__name__)

TOO_LARGE = "The file is larger than {limit}."
TOO_MANY_PENDING = "You have {limit} imports waiting or running: wait for one to end."
UNEXPECTED = "The import stopped on an unexpected error; nothing of it was stored. Try again."
NEVER_RUN = "The import was never run (no worker took it); nothing was stored. Upload it again."
TMDB_DOWN = "TMDB could not be reached to match the films; nothing was stored. Try again later."
# An unmatched film's name as reported: at most a catalog title's length.
NAME_SHOWN = 500
# The kinds of entries, by the IMPORTS['TARGETS'] name of the service that takes them.
TARGET_KINDS = {PLAY: "plays", RATING: "ratings", WATCHLIST: "watchlist", FAVORITE: "favorites"}


def limits() -> Limits:
    return Limits(
        max_entries=cast(int, imports_settings.MAX_ZIP_ENTRIES),
        max_inflated=cast(int, imports_settings.MAX_UNCOMPRESSED_BYTES),
        max_rows=cast(int, imports_settings.MAX_ROWS),
        max_json=cast(int, imports_settings.MAX_JSON_BYTES),
    )


def max_upload_bytes() -> int:
    return cast(int, imports_settings.MAX_UPLOAD_BYTES)


def too_large() -> ValidationError:
    limit = max_upload_bytes()
    mib, rest = divmod(limit, 1024 * 1024)
    shown = f"{mib} MB" if mib and not rest else f"{limit:,} bytes"
    return ValidationError({"file": TOO_LARGE.format(limit=shown)})


def import_create(*, user: "_User", data: bytes, file_name: str, source: str | None) -> Import:
    """A queued import of the uploaded ``data`` (its bytes stored for the worker), its task
    queued once committed. ``ValidationError`` on ``file`` for what is known at once: a file
    too large, empty, of no known format, a ZIP with too many entries, unsafe names or
    declared sizes over the limit, a CSV with an unknown header; on ``source`` for a file that
    is not that source's; on the whole request when the user has too many imports pending."""
    if len(data) > max_upload_bytes():
        raise too_large()
    try:
        detected = detect(data, file_name=file_name, limits=limits(), source=source)
    except Refused as refused:
        field = "source" if isinstance(refused, NotThatSource) else "file"
        raise ValidationError({field: str(refused)}) from None
    pending_limit = cast(int, imports_settings.MAX_PENDING_PER_USER)
    with transaction.atomic():
        # The user's row locked: parallel uploads count each other's pending imports.
        users = get_user_model()._default_manager
        list(users.select_for_update().filter(pk=user.pk).values("pk"))
        pending = Import.objects.filter(user_id=user.pk, status__in=[Status.QUEUED, Status.RUNNING])
        if pending.count() >= pending_limit:
            raise ValidationError(TOO_MANY_PENDING.format(limit=pending_limit))
        name = file_name.replace("\x00", "")[:255]  # PostgreSQL stores no NUL
        job = Import.objects.create(user=user, source=detected, file_name=name)
        Upload.objects.create(job=job, data=data, size=len(data))
        from imports.tasks import import_run_task  # the task module imports this one

        delay_on_commit(import_run_task, job.pk)
    return job


def import_remove(*, user: "_User", import_id: int) -> None:
    """Delete the user's import record (and its upload, if any); ``Import.DoesNotExist`` if it
    is not theirs. What a finished import stored stays."""
    deleted = Import.objects.filter(pk=import_id, user_id=user.pk).delete()[1]
    if not deleted.get(Import._meta.label):
        raise Import.DoesNotExist


def import_run(import_id: int, *, client: Any = None) -> None:
    """Run the queued import ``import_id`` (the task; ``client``: a TMDB client for matching,
    None for the catalog alone). One run at a time per import; a run of an import that ended
    or is gone does nothing. It ends ``done`` with its counts, or ``failed`` with a reason and
    nothing of it stored; its upload is deleted either way. When TMDB cannot answer now
    (``TMDBRetryLater``, raised on), it is queued again with its upload, for a later run."""
    try:
        with job_lock(f"imports.run.{import_id}"):
            _run(import_id, client=client)
    except JobRunning:
        logger.info("import %s is running already: this run is skipped", import_id)


def _run(import_id: int, *, client: Any) -> None:
    claimed = Import.objects.filter(pk=import_id, status__in=[Status.QUEUED, Status.RUNNING])
    if not claimed.update(status=Status.RUNNING, started_at=timezone.now()):
        return
    job = Import.objects.select_related("user").get(pk=import_id)
    try:
        upload = Upload.objects.get(job_id=import_id)
        parsed = read(bytes(upload.data), source=job.source, file_name=job.file_name,
                      limits=limits())  # fmt: skip
        del upload
        matches = match_films({entry.film for entry in parsed.entries}, client=client)
        with transaction.atomic():
            counts, unmatched = _apply(job.user, parsed, matches)
            _finish(job, status=Status.DONE, counts=counts, unmatched=unmatched)
    except TMDBRetryLater:  # before anything was stored: queued again, its upload kept
        Import.objects.filter(pk=import_id).update(status=Status.QUEUED, started_at=None)
        raise
    except (Refused, ValidationError) as refused:
        reason = str(refused) if isinstance(refused, Refused) else " ".join(refused.messages)
        _fail(job, reason)
    except Exception:
        logger.exception("import %s failed", import_id)
        _fail(job, UNEXPECTED)
        raise


@dataclass(frozen=True)
class StaleImports:
    requeued: int
    failed: int

    def __str__(self) -> str:
        return f"{self.requeued} stale import(s) queued again, {self.failed} failed"


def stale_imports_requeue() -> StaleImports:
    """Imports whose task was lost (the broker refused it, say) queued again once they have
    waited ``IMPORTS['STALE_REQUEUE_MINUTES']``; those still waiting after
    ``STALE_FAIL_HOURS`` fail, their uploads deleted. A run of an import that is already
    running or ended does nothing, so queuing one again is safe."""
    now = timezone.now()
    minutes = cast(int, imports_settings.STALE_REQUEUE_MINUTES)
    hours = cast(int, imports_settings.STALE_FAIL_HOURS)
    waiting = Import.objects.filter(status=Status.QUEUED)
    expired = waiting.filter(created_at__lt=now - datetime.timedelta(hours=hours))
    with transaction.atomic():
        expired_ids = list(expired.values_list("pk", flat=True))
        failed = expired.update(status=Status.FAILED, finished_at=now, error=NEVER_RUN)
        Upload.objects.filter(job_id__in=expired_ids).delete()
    stale = waiting.filter(created_at__lt=now - datetime.timedelta(minutes=minutes))
    from imports.tasks import import_run_task  # the task module imports this one

    requeued = 0
    for import_id in stale.values_list("pk", flat=True):
        delay_on_commit(import_run_task, import_id)
        requeued += 1
    return StaleImports(requeued=requeued, failed=failed)


def import_give_up(import_id: int) -> None:
    """End the import ``failed``: TMDB could not be reached in all the runs the task tried."""
    with transaction.atomic():
        Import.objects.filter(pk=import_id).exclude(status=Status.DONE).update(
            status=Status.FAILED, finished_at=timezone.now(), error=TMDB_DOWN
        )
        Upload.objects.filter(job_id=import_id).delete()


def _finish(job: Import, *, status: str, **fields: Any) -> None:
    Import.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
    Upload.objects.filter(job_id=job.pk).delete()


def _fail(job: Import, reason: str) -> None:
    with transaction.atomic():
        _finish(job, status=Status.FAILED, error=reason)


@dataclass(frozen=True)
class PlayRow:
    """A play for ``IMPORTS['TARGETS']['plays']`` (history.services.PlayIn's fields)."""

    movie_id: int
    watched_on: Any
    rewatch: bool
    note: str


@dataclass(frozen=True)
class RatingRow:
    """A rating for ``IMPORTS['TARGETS']['ratings']`` (ratings.services.RatingIn's fields)."""

    movie_id: int
    value: Any
    rated_at: Any


def _apply(
    user: "_User", parsed: Parsed, matches: dict[FilmRef, int | Unmatched]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every matched entry through its target service; the counts and the unmatched films."""
    targets = installed_entries(cast(dict[str, str], imports_settings.TARGETS))
    skipped: Counter[str] = Counter(parsed.skipped)
    imported = present = unmatched_rows = 0
    misses: dict[FilmRef, dict[str, Any]] = {}
    by_kind: dict[str, list[tuple[Entry, int]]] = {kind: [] for kind in TARGET_KINDS}
    for entry in parsed.entries:
        match = matches.get(entry.film, Unmatched("not_found"))
        if isinstance(match, Unmatched):
            unmatched_rows += 1
            miss = misses.setdefault(entry.film, _unmatched(entry.film, match.reason))
            miss["rows"] += 1
            continue
        by_kind[entry.kind].append((entry, match))
    for kind, rows in by_kind.items():
        if not rows:
            continue
        name = TARGET_KINDS[kind]
        if name not in targets:
            skipped[f"no {name} app"] += len(rows)
            continue
        result = _call(import_string(targets[name]), name, user, parsed.source, rows)
        imported += result.added
        present += result.present
        for _, reason in result.rejected:
            skipped[reason] += 1
    counts = {
        "read": parsed.read,
        "imported": imported,
        "already_present": present,
        "skipped": dict(sorted(skipped.items())),
        "unmatched": unmatched_rows,
    }
    shown = sorted(misses.values(), key=lambda miss: (miss["name"], miss["year"] or 0))
    return counts, shown[: cast(int, imports_settings.MAX_UNMATCHED_SHOWN)]


def _call(target: Any, name: str, user: "_User", source: str, rows: list[tuple[Entry, int]]) -> Any:
    if name == "plays":
        plays = [PlayRow(movie, e.watched_on, e.rewatch, e.note) for e, movie in rows]
        return target(user=user, plays=plays, source=source)
    if name == "ratings":
        ratings = [RatingRow(movie, e.rating, e.rated_at) for e, movie in rows]
        return target(user=user, ratings=ratings)
    return target(user=user, movie_ids=[movie for _, movie in rows])


def _unmatched(film: FilmRef, reason: str) -> dict[str, Any]:
    given = film.imdb_id or (str(film.tmdb_id) if film.tmdb_id else None)
    return {
        "name": film.title[:NAME_SHOWN],
        "year": film.year,
        "id_given": given,
        "tmdb_id": film.tmdb_id,
        "imdb_id": film.imdb_id,
        "reason": reason,
        "rows": 0,
    }
