from django.apps import AppConfig


class TmdbConfig(AppConfig):
    name = "tmdb"
    verbose_name = "TMDB client"

    def ready(self) -> None:
        from tmdb import checks  # noqa: F401  (registers the system checks)
