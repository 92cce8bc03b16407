"""One user's imports run by several workers at once (PostgreSQL): each row stored once, the
counts adding up exactly, and one run of each import however often its task is delivered."""

from catalog import services as catalog_services
from favorites.models import FavoriteMovie
from history.models import Play
from imports.models import Import
from imports.services import import_create, import_run
from ratings.models import Rating
from tests.concurrency import POSTGRES_ONLY, in_threads
from tests.imports.conftest import DATA
from watchlist.models import WatchlistItem

pytestmark = POSTGRES_ONLY


def test_one_file_imported_three_times_at_once_is_stored_once(
    user, django_capture_on_commit_callbacks
):
    catalog_services.demo_catalog_load()
    data = (DATA / "letterboxd-export.zip").read_bytes()
    with django_capture_on_commit_callbacks():  # the tasks run below, in threads
        jobs = [
            import_create(user=user, data=data, file_name="x.zip", source=None) for _ in range(3)
        ]
    # Each import run twice at once too: a task delivered again while it runs.
    in_threads(import_run, [(job.pk,) for job in jobs * 2], timeout=120)

    counts = [job.counts for job in Import.objects.filter(user=user)]
    assert [job.status for job in Import.objects.filter(user=user)] == ["done"] * 3
    stored = (
        Rating.objects.filter(user=user).count() + Play.objects.filter(user=user).count()
        + WatchlistItem.objects.filter(user=user).count()
        + FavoriteMovie.objects.filter(user=user).count()
    )  # fmt: skip
    assert sum(c["imported"] for c in counts) == stored
    assert sorted(c["already_present"] for c in counts) == [0, stored, stored]
    assert {c["read"] for c in counts} == {counts[0]["read"]}
