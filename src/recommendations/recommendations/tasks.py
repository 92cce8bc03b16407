"""The recommendations' background work: the neighbour table rebuilt on beat's schedule when
what it is built from changed (``build_recommendations --if-stale`` does the same)."""

from celery import shared_task

from core.jobs import one_at_a_time
from recommendations.services import neighbour_table_rebuild


@shared_task(ignore_result=False)
@one_at_a_time("recommendations.build")
def build_if_stale() -> str:
    """A build (about 1 GiB at a million movies) at a time, across workers and machines."""
    build = neighbour_table_rebuild(if_stale=True)
    if build is None:
        return "the neighbour table is up to date: not rebuilt"
    return f"build {build.pk}: {build.pairs} neighbour pairs for {build.movies} movies"
