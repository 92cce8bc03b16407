"""Usernames compared by one folding rule (accounts.models.fold_username): a unique column of
the folded name replaces the unique lower(username), which told "bosslady" from "boßlady" (and,
on SQLite, "Ärger" from "ärger"); 0006 makes it unique and drops the old constraint (apart:
PostgreSQL refuses to alter a table in the transaction that updated its rows). Accounts that were twins under the new rule stop the
migration, named: which one is renamed is for a person to decide."""

import unicodedata

from django.db import migrations, models


def fold(name: str) -> str:  # accounts.models.fold_username as of this migration
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def fill_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen: dict[str, str] = {}
    twins = []
    users = list(User.objects.only("pk", "username"))
    for user in users:
        user.username_key = fold(user.username)
        if user.username_key in seen:
            twins.append(f"{seen[user.username_key]!r} and {user.username!r}")
        seen[user.username_key] = user.username
    if twins:
        raise RuntimeError(
            "These accounts' usernames are now one (case folding): rename one of each pair, "
            "then migrate again: " + "; ".join(twins)
        )
    User.objects.bulk_update(users, ["username_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_email_verified_at")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(max_length=450, null=True, editable=False),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
