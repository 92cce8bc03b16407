from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = "Watch history"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from history import checks, receivers  # noqa: F401  (registers checks and receivers)
