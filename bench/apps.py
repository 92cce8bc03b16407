from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling (``manage.py seed_benchmark``); installed by the dev and bench
    settings only, never in production."""

    name = "bench"
    verbose_name = "Benchmarks"
