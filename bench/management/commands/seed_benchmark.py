from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import seed


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database with synthetic benchmark data: movies, users (password "
        f"{seed.PASSWORD!r}) and their favorites, then build the recommendations. Idempotent: "
        "each step is skipped when the database already holds exactly its data. Replaces "
        "every movie, user and favorite of the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--movies", type=int, default=100_000)
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--favorites-per-user", type=int, default=20)
        parser.add_argument(
            "--no-recommendations", action="store_true", help="Skip the recommendations build."
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Do not ask for confirmation.",
        )  # fmt: skip

    def handle(self, *args, **options) -> None:
        movies, users, per_user = options["movies"], options["users"], options["favorites_per_user"]
        if min(movies, users, per_user) < 1:
            raise CommandError("--movies, --users and --favorites-per-user must be positive.")
        if connection.vendor != "postgresql":
            raise CommandError(
                f"seed_benchmark needs PostgreSQL, not {connection.vendor}: set DATABASE_URL."
            )
        if options["interactive"]:
            name = connection.settings_dict["NAME"]
            answer = input(
                f"This replaces every movie, user and favorite in database {name!r}. "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Seeding cancelled.")
        try:
            seconds = seed.seed(
                movies=movies,
                users=users,
                favorites_per_user=per_user,
                recommendations=not options["no_recommendations"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        steps = ", ".join(
            f"{step} {s:.1f} s" if s else f"{step} skipped" for step, s in seconds.items()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {movies:,} movies, {users:,} users: {steps}.")
        )
