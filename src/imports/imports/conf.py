"""The imports app's settings: ``settings.IMPORTS`` over these defaults."""

from core.conf import AppSettings

MB = 1024 * 1024

DEFAULTS = {
    # Where each kind of row goes: dotted paths of the other apps' import services, each called
    # with keyword arguments only, inside the import's one transaction:
    #   plays:     f(*, user, plays, source)    plays: objects with movie_id, watched_on,
    #                                           rewatch, note (history.services.PlayIn's)
    #   ratings:   f(*, user, ratings, source)  ratings: objects with movie_id, value (0.5-10),
    #                                           rated_at (an aware datetime, or None)
    #   watchlist: f(*, user, movie_ids)
    #   favorites: f(*, user, movie_ids)
    # each returning an object with ``added``, ``present`` and ``rejected`` [(index, reason)].
    # A kind without an entry, or whose app is not installed, is skipped ("no <kind> app").
    "TARGETS": {},
    # An upload larger than this is refused at once (400).
    "MAX_UPLOAD_BYTES": 20 * MB,
    # A ZIP is refused as soon as its members inflate past this many bytes in all, counted as
    # they are read (never the sizes its directory claims), or when it has more entries.
    "MAX_UNCOMPRESSED_BYTES": 200 * MB,
    "MAX_ZIP_ENTRIES": 1000,
    # The JSON files of a Trakt export, in all, once inflated: parsed whole, so capped apart
    # (100,000 Trakt items are about 35 MB).
    "MAX_JSON_BYTES": 50 * MB,
    # Imports one user may have queued or running at once (each holds its upload meanwhile).
    "MAX_PENDING_PER_USER": 3,
    # An import still queued this many minutes after its upload (its task lost: the broker was
    # down when it was queued) is queued again by beat's imports.tasks.requeue_stale; one still
    # not run after STALE_FAIL_HOURS fails (its upload deleted).
    "STALE_REQUEUE_MINUTES": 60,
    "STALE_FAIL_HOURS": 24,
    # Unmatched films an import lists (by name; counts.unmatched still counts every row).
    "MAX_UNMATCHED_SHOWN": 1000,
    # Rows one import may hold in all (a bound on the work of one task).
    "MAX_ROWS": 100_000,
}

imports_settings = AppSettings("IMPORTS", DEFAULTS)
