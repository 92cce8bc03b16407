from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling (``manage.py seed_benchmark``); installed by ``bench.settings`` only,
    never by ``config.settings``."""

    name = "bench"
    verbose_name = "Benchmarks"
