from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_username_key")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(
                "folded username",
                max_length=450,
                unique=True,
                editable=False,
                help_text="The username folded (fold_username): unique, and what logins compare.",
            ),
        ),
        migrations.RemoveConstraint(model_name="user", name="accounts_user_username_ci_unique"),
    ]
