"""The history's writes: one play added, many imported (idempotent per source), one removed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from history import services
from history.models import Play
from history.services import PlayIn, play_add, play_remove, plays_import
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MovieFactory
from tests.history.factories import PlayFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 5, 1)
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(monkeypatch):
    """The clock at NOW (noon UTC on 2026-03-10)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_play_add_stores_the_play_with_its_movie(user):
    movie = MovieFactory()

    play = play_add(user=user, movie_id=movie.id, watched_on=DAY, rewatch=True, note="Again!")

    stored = Play.objects.get()
    assert (stored.pk, stored.user_id, stored.movie_id) == (play.pk, user.pk, movie.id)
    assert (stored.watched_on, stored.rewatch, stored.note, stored.source) == (
        DAY,
        True,
        "Again!",
        "",
    )
    assert play.movie.title == movie.title


def test_plays_entered_in_the_app_may_repeat(user):
    movie = MovieFactory()

    play_add(user=user, movie_id=movie.id, watched_on=DAY)
    play_add(user=user, movie_id=movie.id, watched_on=DAY)
    play_add(user=user, movie_id=movie.id)
    play_add(user=user, movie_id=movie.id)

    assert Play.objects.count() == 4


@pytest.mark.parametrize("movie_id", [999_999, 0, -1, 2**63, True, "1"])
def test_play_add_of_an_unknown_movie_is_the_spec_field_error(user, movie_id):
    with pytest.raises(ValidationError) as raised:
        play_add(user=user, movie_id=movie_id)

    assert raised.value.message_dict == {
        "movie_id": [f'Invalid pk "{movie_id}" - object does not exist.']
    }
    assert not Play.objects.exists()


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (datetime.date(2026, 3, 12), services.FUTURE_DAY),
        (datetime.date(1899, 12, 31), services.EARLY_DAY),
        (datetime.datetime(2020, 1, 1, 10, 0), services.NOT_A_DAY),
        ("2020-01-01", services.NOT_A_DAY),
    ],
)
def test_play_add_refuses_a_day_out_of_range(user, day, error, frozen):
    movie = MovieFactory()

    with pytest.raises(ValidationError) as raised:
        play_add(user=user, movie_id=movie.id, watched_on=day)

    assert raised.value.message_dict == {"watched_on": [error]}
    assert not Play.objects.exists()


def test_today_anywhere_on_earth_is_not_the_future(user, frozen):
    movie = MovieFactory()

    play_add(user=user, movie_id=movie.id, watched_on=datetime.date(2026, 3, 11))  # Kiribati
    play_add(user=user, movie_id=movie.id, watched_on=datetime.date(1900, 1, 1))

    assert Play.objects.count() == 2


@pytest.mark.parametrize(
    ("note", "error"),
    [
        ("x" * 1001, services.NOTE_TOO_LONG),
        ("a\x00b", services.NOTE_UNSTORABLE),
        ("a\ud800b", services.NOTE_UNSTORABLE),
        (None, services.NOT_A_NOTE),
    ],
)
def test_play_add_refuses_a_note_it_cannot_keep(user, note, error):
    movie = MovieFactory()

    with pytest.raises(ValidationError) as raised:
        play_add(user=user, movie_id=movie.id, note=note)

    assert raised.value.message_dict == {"note": [error]}


def test_a_note_of_the_longest_length_is_kept(user):
    play = play_add(user=user, movie_id=MovieFactory().id, note="é" * 1000)

    play.refresh_from_db()
    assert play.note == "é" * 1000


def test_play_add_refuses_past_the_limit(user, settings):
    settings.HISTORY = {"MAX_PER_USER": 2}
    PlayFactory.create_batch(2, user=user)

    with pytest.raises(ValidationError) as raised:
        play_add(user=user, movie_id=MovieFactory().id)

    assert raised.value.messages == ["You cannot keep more than 2 plays in your history."]
    assert Play.objects.count() == 2


def test_play_add_with_a_source_refuses_a_play_already_imported(user):
    movie = MovieFactory()
    play_add(user=user, movie_id=movie.id, watched_on=DAY, source="letterboxd")

    with pytest.raises(ValidationError) as raised:
        play_add(user=user, movie_id=movie.id, watched_on=DAY, source="letterboxd")

    assert raised.value.messages == [services.ALREADY_PLAYED]
    play_add(user=user, movie_id=movie.id, watched_on=DAY, source="trakt")  # another source
    assert Play.objects.count() == 2


@pytest.mark.parametrize("source", ["Letterboxd", "a b", "x" * 21, 3])
def test_a_source_is_a_short_lower_case_name(user, source):
    with pytest.raises(ValueError, match="Not a source name"):
        plays_import(user=user, plays=[], source=source)


def test_plays_import_adds_each_play_once_and_a_second_import_adds_nothing(user):
    heat, alien = MovieFactory(), MovieFactory()
    plays = [
        PlayIn(movie_id=heat.id, watched_on=DAY),
        PlayIn(movie_id=heat.id, watched_on=DAY, rewatch=True),
        PlayIn(movie_id=heat.id, watched_on=datetime.date(2024, 6, 1), rewatch=True),
        PlayIn(movie_id=heat.id, watched_on=DAY),  # repeated in the file
        PlayIn(movie_id=alien.id),
        PlayIn(movie_id=alien.id),  # repeated, undated
        PlayIn(movie_id=alien.id, note="A note"),  # the same play: (movie, day, rewatch)
    ]

    first = plays_import(user=user, plays=plays, source="trakt")
    again = plays_import(user=user, plays=plays, source="trakt")

    assert (first.added, first.present, first.rejected) == (4, 3, [])
    assert (again.added, again.present, again.rejected) == (0, 7, [])
    stored = Play.objects.filter(user=user).values_list("movie_id", "watched_on", "rewatch", "note")
    assert sorted(stored, key=str) == sorted(
        [
            (heat.id, DAY, False, ""),
            (heat.id, DAY, True, ""),
            (heat.id, datetime.date(2024, 6, 1), True, ""),
            (alien.id, None, False, ""),
        ],
        key=str,
    )


def test_plays_from_another_source_or_entered_in_the_app_are_kept_apart(user):
    movie = MovieFactory()
    play_add(user=user, movie_id=movie.id, watched_on=DAY)

    letterboxd = plays_import(
        user=user, plays=[PlayIn(movie_id=movie.id, watched_on=DAY)], source="letterboxd"
    )
    trakt = plays_import(
        user=user, plays=[PlayIn(movie_id=movie.id, watched_on=DAY)], source="trakt"
    )

    assert (letterboxd.added, trakt.added) == (1, 1)
    assert sorted(Play.objects.values_list("source", flat=True)) == ["", "letterboxd", "trakt"]


def test_another_users_plays_are_not_present(user):
    movie = MovieFactory()
    other = UserFactory()
    plays_import(user=other, plays=[PlayIn(movie_id=movie.id)], source="imdb")

    mine = plays_import(user=user, plays=[PlayIn(movie_id=movie.id)], source="imdb")

    assert (mine.added, mine.present) == (1, 0)


def test_plays_import_rejects_the_bad_plays_with_reasons_and_keeps_the_rest(user, frozen):
    movie = MovieFactory()
    plays = [
        PlayIn(movie_id=999_999),
        PlayIn(movie_id=movie.id, watched_on=datetime.date(2027, 1, 1)),
        PlayIn(movie_id=movie.id, note="x" * 1001),
        PlayIn(movie_id=movie.id, watched_on=DAY),
    ]

    done = plays_import(user=user, plays=plays, source="letterboxd")

    assert (done.added, done.present) == (1, 0)
    assert done.rejected == [
        (0, f"movie_id: {services.NO_SUCH_MOVIE}"),
        (1, f"watched_on: {services.FUTURE_DAY}"),
        (2, f"note: {services.NOTE_TOO_LONG}"),
    ]
    assert list(Play.objects.values_list("watched_on", flat=True)) == [DAY]


def test_plays_import_past_the_limit_stores_nothing(user, settings):
    settings.HISTORY = {"MAX_PER_USER": 3}
    PlayFactory.create_batch(2, user=user)
    movies = MovieFactory.create_batch(2)

    with pytest.raises(ValidationError):
        plays_import(user=user, plays=[PlayIn(movie_id=m.id) for m in movies], source="tmdb")

    assert Play.objects.count() == 2
    # Plays already there count for nothing against the limit.
    plays_import(user=user, plays=[PlayIn(movie_id=movies[0].id)], source="tmdb")
    done = plays_import(user=user, plays=[PlayIn(movie_id=movies[0].id)], source="tmdb")
    assert (done.added, done.present) == (0, 1)


def test_the_database_keeps_one_imported_play_per_movie_day_and_rewatch(user):
    movie = MovieFactory()
    PlayFactory(user=user, movie=movie, watched_on=None, source="trakt")
    PlayFactory(user=user, movie=movie, watched_on=DAY, source="trakt")

    for day in (None, DAY):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlayFactory(user=user, movie=movie, watched_on=day, source="trakt")


def test_play_remove_deletes_only_the_users_own_play(user):
    mine, theirs = PlayFactory(user=user), PlayFactory()

    with pytest.raises(Play.DoesNotExist):
        play_remove(user=user, play_id=theirs.pk)
    play_remove(user=user, play_id=mine.pk)

    assert list(Play.objects.values_list("pk", flat=True)) == [theirs.pk]
