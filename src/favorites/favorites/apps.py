from django.apps import AppConfig


class FavoritesConfig(AppConfig):
    name = "favorites"
    verbose_name = "Favorites"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from favorites import checks, receivers  # noqa: F401  (registers checks and receivers)
