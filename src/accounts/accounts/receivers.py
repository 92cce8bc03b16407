"""Drop a user from the authentication cache once a change to it (deactivation, new password,
deletion, any save) has committed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.cache import user_namespace
from accounts.models import User


@receiver(post_save, sender=User, dispatch_uid="accounts.user_saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts.user_deleted")
def _user_changed(sender, instance: User, using: str, **kwargs) -> None:
    user_id = getattr(instance, jwt_settings.USER_ID_FIELD)  # read now: a delete clears the pk
    transaction.on_commit(user_namespace(user_id).bump, using=using)
