"""The e-mails the accounts app sends (a password reset, an address to verify): plain text and
HTML from the app's templates (``accounts/email/<name>_subject.txt``, ``<name>.txt`` and
``<name>.html``), through whatever ``EMAIL_BACKEND`` the project configures, and the one-use
links they carry, made with Django's token generators."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.conf import accounts_settings
from accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, salted apart (a reset token never verifies an address, nor the
    reverse) and bound to the address and its state: a link stops working once used (the
    address is verified), once the address changed, and after ``PASSWORD_RESET_TIMEOUT``."""

    key_salt = "accounts.emails.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        verified = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        changed = "" if user.email_changed_at is None else user.email_changed_at.isoformat()
        return f"{user.pk}{user.email}{verified}{changed}{timestamp}"


email_verification_token_generator = EmailVerificationTokenGenerator()


def uid_for(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_for_uid(uid: str) -> User | None:
    """The user a link's ``uid`` names; None for a malformed uid or a user that is gone."""
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        return User.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def link(template: str, *, uid: str, token: str) -> str:
    return template.format(uid=uid, token=token)


def send(*, user: User, name: str, url: str) -> None:
    """Send ``accounts/email/<name>*`` to the user, the link ``url`` in the context; a mail
    server's failure is raised (the worker's task tries again later: ``accounts.tasks``)."""
    context = {"user": user, "url": url}
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line: a header
        body=render_to_string(f"accounts/email/{name}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"accounts/email/{name}.html", context), "text/html"
    )
    message.send()


def send_password_reset(*, user: User) -> None:
    token = default_token_generator.make_token(user)
    url = link(accounts_settings.PASSWORD_RESET_URL, uid=uid_for(user), token=token)
    send(user=user, name="password_reset", url=url)


def send_email_verification(*, user: User) -> None:
    token = email_verification_token_generator.make_token(user)
    url = link(accounts_settings.EMAIL_VERIFY_URL, uid=uid_for(user), token=token)
    send(user=user, name="verify_email", url=url)
