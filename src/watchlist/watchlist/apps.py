from django.apps import AppConfig


class WatchlistConfig(AppConfig):
    name = "watchlist"
    verbose_name = "Watchlist"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from watchlist import checks, receivers  # noqa: F401  (registers checks and receivers)
