"""The accounts app's background work: its e-mails, sent by the worker (a request only queues
them, once its transaction has committed), and the pruning of expired records."""

import logging
import smtplib

from celery import shared_task

from accounts import emails, selectors
from accounts.models import User
from core.jobs import RetryOptions

logger = logging.getLogger(__name__)

# A relay that is down, hung (the socket times out: OSError) or answers 4xx/5xx: tried again
# with exponential backoff (1 s, 2 s, 4 s ... at most 10 minutes apart, jittered), 12 tries in
# about an hour; then the failure is stored (the admin's "Task results") and logged.
SMTP_RETRY: RetryOptions = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 1,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 12,
}


@shared_task(**SMTP_RETRY)
def password_reset_email(email: str) -> None:
    """The reset link, to the active account with this address if there is one (the request
    queued this task whether or not there is, so that it answers alike)."""
    user = selectors.password_reset_user(email=email)
    if user is not None:
        emails.send_password_reset(user=user)


@shared_task(**SMTP_RETRY)
def email_verification_email(user_id: int) -> None:
    """A link that verifies the user's current address, unless it is verified by now."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None and user.email_verified_at is None:
        emails.send_email_verification(user=user)


@shared_task(ignore_result=False)
def prune_expired() -> str:
    """Expired refresh tokens and login records older than ``ACCOUNTS['LOGIN_RECORDS_DAYS']``
    (the ``prune_accounts`` command does the same)."""
    from accounts import services  # which queues this module's e-mails

    return str(services.expired_records_prune())
