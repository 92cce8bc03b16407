"""A user's plays: one added (the API), many imported at once (the imports app), one removed.

Every entry checks what it stores the same way (``play_problems``): a day that is neither in the
future nor before ``EARLIEST_DAY``, a note of at most ``NOTE_MAX_LENGTH`` characters that the
database can store, a movie of the catalog. An import keeps one play per distinct (movie, day,
rewatch) from one source (the model's unique constraints), so importing a file again adds
nothing."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.selectors import existing_movie_ids, movie_for_list
from core.api.integers import MAX_ID
from core.user_lists import unknown_movie
from history.cache import HISTORIES
from history.conf import history_settings
from history.models import NOTE_MAX_LENGTH, SOURCE_MAX_LENGTH, Play

if TYPE_CHECKING:
    from django.contrib.auth.models import _User  # AUTH_USER_MODEL, as django-stubs resolves it

EARLIEST_DAY = date(1900, 1, 1)
# The latest day anywhere on Earth (UTC+14): "today" for a user in Kiribati is tomorrow in UTC.
AHEAD_OF_UTC = timedelta(hours=14)

FUTURE_DAY = "Enter a day that is not in the future."
EARLY_DAY = f"Enter a day from {EARLIEST_DAY.isoformat()} on."
NOT_A_DAY = "Enter a day (YYYY-MM-DD)."
NOT_A_FLAG = "Must be a valid boolean."
NOTE_TOO_LONG = f"Ensure this field has no more than {NOTE_MAX_LENGTH} characters."
NOTE_UNSTORABLE = "Enter text without null characters or unpaired surrogates."
NOT_A_NOTE = "Enter text."
NO_SUCH_MOVIE = "No such movie."
ALREADY_PLAYED = "This play is already in your history."
TOO_MANY = "You cannot keep more than {limit} plays in your history."
SOURCE_NAME = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{SOURCE_MAX_LENGTH - 1}}}")


@dataclass(frozen=True)
class PlayIn:
    """One play to store: a movie id, the day it was seen (None: unknown), whether it was a
    rewatch, and a private note ("" for none)."""

    movie_id: int
    watched_on: date | None = None
    rewatch: bool = False
    note: str = ""


@dataclass(frozen=True)
class PlaysImported:
    """What ``plays_import`` did: plays ``added``, plays already ``present`` (from the same
    source before, or repeated in the batch), and the ``rejected`` ones as (their index in the
    plays given, the reason) in that order."""

    added: int
    present: int
    rejected: list[tuple[int, str]] = field(default_factory=list)


def latest_day() -> date:
    """Today somewhere on Earth: the latest day a play may have."""
    return (timezone.now() + AHEAD_OF_UTC).date()


def play_problems(play: PlayIn) -> dict[str, str]:
    """What is wrong with ``play``, by field (``{}``: nothing); the movie is not looked up."""
    problems: dict[str, str] = {}
    movie_id = play.movie_id
    if isinstance(movie_id, bool) or not isinstance(movie_id, int) or not 1 <= movie_id <= MAX_ID:
        problems["movie_id"] = NO_SUCH_MOVIE
    day = play.watched_on
    if day is not None:
        # A datetime is a date too: refused, a play has a day, never a time.
        if not isinstance(day, date) or isinstance(day, datetime):
            problems["watched_on"] = NOT_A_DAY
        elif day > latest_day():
            problems["watched_on"] = FUTURE_DAY
        elif day < EARLIEST_DAY:
            problems["watched_on"] = EARLY_DAY
    if not isinstance(play.rewatch, bool):
        problems["rewatch"] = NOT_A_FLAG
    note = play.note
    if not isinstance(note, str):
        problems["note"] = NOT_A_NOTE
    elif len(note) > NOTE_MAX_LENGTH:
        problems["note"] = NOTE_TOO_LONG
    elif not _storable(note):
        problems["note"] = NOTE_UNSTORABLE
    return problems


def _storable(text: str) -> bool:
    """PostgreSQL refuses NUL in text, and UTF-8 has no unpaired surrogate ("\\ud800")."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _source(source: Any, *, required: bool) -> str:
    """``source`` checked: a short lower-case name ("letterboxd", "trakt"), or None / "" for a
    play entered in the app (``required``: an import's source, never empty)."""
    if source in (None, "") and not required:
        return ""
    if not isinstance(source, str) or not SOURCE_NAME.fullmatch(source):
        raise ValueError(f"Not a source name: {source!r}")  # a programming error, not input
    return source


def play_add(
    *,
    user: "_User",
    movie_id: int,
    watched_on: date | None = None,
    rewatch: bool = False,
    note: str = "",
    source: str | None = None,
) -> Play:
    """The user's new play of the movie, holding the movie (ready to serialize). Else a
    ``ValidationError``: by field (``movie_id`` for an unknown movie, in the spec's words;
    ``watched_on``, ``rewatch``, ``note``), or non-field over ``HISTORY['MAX_PER_USER']`` and,
    with a ``source``, for a play already imported from it."""
    play = PlayIn(movie_id=movie_id, watched_on=watched_on, rewatch=rewatch, note=note)
    origin = _source(source, required=False)
    problems = play_problems(play)
    if "movie_id" in problems:
        raise unknown_movie(movie_id)
    if problems:
        raise ValidationError(problems)
    movie = movie_for_list(movie_id=movie_id)
    if movie is None:
        raise unknown_movie(movie_id)
    limit = cast(int, history_settings.MAX_PER_USER)
    if Play.objects.filter(user_id=user.pk).count() >= limit:
        raise ValidationError(TOO_MANY.format(limit=limit))
    try:
        with transaction.atomic():
            row = Play.objects.create(
                user=user, movie=movie, watched_on=watched_on, rewatch=rewatch, note=note,
                source=origin,
            )  # fmt: skip
    except IntegrityError:  # a source's unique constraint, or the movie deleted meanwhile
        if movie_for_list(movie_id=movie_id) is None:
            raise unknown_movie(movie_id) from None
        raise ValidationError(ALREADY_PLAYED) from None
    return row


def plays_import(*, user: "_User", plays: Iterable[PlayIn], source: str) -> PlaysImported:
    """Store ``plays`` in the user's history as coming from ``source`` (the import's format:
    "letterboxd", "trakt", ...), all or nothing, in one transaction. A play whose (movie, day,
    rewatch) the user already has from that source, or that repeats an earlier one of the
    batch, is ``present``, not added: importing the same file again adds nothing. A play with
    a problem (``play_problems``, or a movie the catalog does not have) is ``rejected`` with
    its reason, and the others are stored. ``ValidationError`` (nothing stored) if the plays
    to add would take the user past ``HISTORY['MAX_PER_USER']``. Imports of one user are
    serialized (their user row is locked), so the counts are exact."""
    origin = _source(source, required=True)
    given = list(plays)
    rejected: list[tuple[int, str]] = []
    checked: list[tuple[int, PlayIn]] = []
    for index, play in enumerate(given):
        problems = play_problems(play)
        if problems:
            reason = "; ".join(f"{name}: {text}" for name, text in problems.items())
            rejected.append((index, reason))
        else:
            checked.append((index, play))
    known = existing_movie_ids(movie_ids={play.movie_id for _, play in checked})
    with transaction.atomic():
        user_model = get_user_model()
        list(user_model._default_manager.select_for_update().filter(pk=user.pk).values("pk"))
        mine = Play.objects.filter(user_id=user.pk)
        seen = set(mine.filter(source=origin).values_list("movie_id", "watched_on", "rewatch"))
        new: list[Play] = []
        present = 0
        for index, play in checked:
            if play.movie_id not in known:
                rejected.append((index, f"movie_id: {NO_SUCH_MOVIE}"))
                continue
            key = (play.movie_id, play.watched_on, play.rewatch)
            if key in seen:
                present += 1
                continue
            seen.add(key)
            row = Play(user_id=user.pk, movie_id=play.movie_id, watched_on=play.watched_on)
            row.rewatch, row.note, row.source = play.rewatch, play.note, origin
            new.append(row)
        limit = cast(int, history_settings.MAX_PER_USER)
        if new and mine.count() + len(new) > limit:
            raise ValidationError(TOO_MANY.format(limit=limit))
        # ignore_conflicts: a play the lock did not keep out (a play_add with this source)
        # is skipped rather than failing the import.
        Play.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        if new:  # bulk_create sends no post_save: the user's pages go once this commits
            user_id = user.pk
            transaction.on_commit(lambda: HISTORIES.bump_users([user_id]))
    rejected.sort()
    return PlaysImported(added=len(new), present=present, rejected=rejected)


@transaction.atomic
def play_remove(*, user: "_User", play_id: int) -> None:
    """Delete the user's play ``play_id``; ``Play.DoesNotExist`` if it is not theirs."""
    Play.objects.get(pk=play_id, user=user).delete()
