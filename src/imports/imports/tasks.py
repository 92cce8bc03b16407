"""The imports' background work: one import run by a worker (never inside the request)."""

from typing import Any

from celery import shared_task

from core.jobs import one_at_a_time
from imports.matching import TMDBRetryLater
from imports.services import import_give_up, import_run, stale_imports_requeue
from tmdb.client import TMDBClient
from tmdb.conf import is_configured

# TMDB unreachable or rate limiting: tried again after its Retry-After, else 1, 2, 4, 8, 16
# minutes; then the import fails (nothing stored).
MAX_RETRIES = 5
BACKOFF_SECONDS = 60


@shared_task(bind=True, max_retries=MAX_RETRIES)
def import_run_task(self: Any, import_id: int) -> None:
    """Run the import (``imports.services.import_run``), matching films through TMDB too when
    it is configured (its client's shared rate budget), else through the catalog alone."""
    try:
        if not is_configured():
            import_run(import_id, client=None)
            return
        with TMDBClient.from_settings() as client:
            import_run(import_id, client=client)
    except TMDBRetryLater as exc:
        if self.request.retries >= MAX_RETRIES:
            import_give_up(import_id)
            return
        countdown = exc.retry_after or BACKOFF_SECONDS * 2**self.request.retries
        raise self.retry(countdown=countdown) from exc


@shared_task(ignore_result=False)
@one_at_a_time("imports.requeue_stale")
def requeue_stale() -> str:
    """Imports whose task was lost queued again, or failed after a day (``requeue_imports``
    does the same)."""
    return str(stale_imports_requeue())
