"""Accounts migration 0005: each stored account gets its folded username (``username_key``), and
accounts that become twins under the rule (apart under the old ``lower(username)``) stop it,
named, for a person to rename one of each pair."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import fold_username

BEFORE = [("accounts", "0004_email_verified_at")]
AFTER = [("accounts", "0005_username_key")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target: list[tuple[str, str]]):
    """Migrate to ``target``; the user model as it stands there."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps.get_model("accounts", "User")


def test_twins_stop_the_migration_named_then_every_account_gets_its_folded_name():
    old = migrate(BEFORE)
    try:
        for i, name in enumerate(["Alice", "\uff22ob", "bosslady", "bo\u00dflady"]):
            old.objects.create(username=name, email=f"user{i}@example.com")

        with pytest.raises(RuntimeError, match="'bosslady' and 'bo\u00dflady'"):
            migrate(AFTER)
        old.objects.filter(username="bo\u00dflady").delete()  # renamed, say
        new = migrate(AFTER)

        keys = dict(new.objects.values_list("username", "username_key"))
        assert keys == {"Alice": "alice", "\uff22ob": "bob", "bosslady": "bosslady"}
        assert all(key == fold_username(name) for name, key in keys.items())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
