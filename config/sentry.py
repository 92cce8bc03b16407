"""Error reports to Sentry (sentry-sdk), started by the settings when ``SENTRY_DSN`` is set: the
Django, Celery (with a cron monitor per periodic job), Redis and logging integrations.

No personal data leaves: ``send_default_pii=False`` (no cookies, no user, the Authorization
and Cookie headers filtered), no request bodies (they hold passwords and addresses), no local
variables of the stack frames (the same), and every string of an event redacted as the logs
are (``core.logs.redact``: e-mail addresses, tokens), an exception's message included. Each
event is tagged with the request's id (``core.request_ids``), to find its log lines.
"""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.redis import RedisIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from core import request_ids
from core.logs import redact

# Keys whose values are never sent, wherever they appear, beside sentry-sdk's own list.
DENYLIST = [*DEFAULT_DENYLIST, "email", "new_password", "old_password", "access", "refresh"]


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request_id = request_ids.current()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    redacted: dict[str, Any] = _redacted(event)
    return redacted


def init(dsn: str, *, environment: str, release: str | None, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        event_scrubber=EventScrubber(denylist=DENYLIST, recursive=True),
        before_send=before_send,  # type: ignore[arg-type]  # sentry-sdk's Event is a TypedDict
        before_breadcrumb=lambda crumb, hint: _redacted(crumb),
        integrations=[
            DjangoIntegration(),
            # A failed task's event, and a cron monitor for each of beat's periodic jobs.
            CeleryIntegration(monitor_beat_tasks=True),
            RedisIntegration(),
            # Breadcrumbs from INFO, an event for each ERROR logged (a failed job's too).
            LoggingIntegration(),
        ],
    )
