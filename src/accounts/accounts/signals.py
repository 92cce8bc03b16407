"""The accounts app's public signals."""

from django.dispatch import Signal

# Sent with ``user=`` inside the transaction that deletes the account, before the user's row
# goes: each app removes what it keeps of the user that no foreign key cascade removes.
user_deleting = Signal()
