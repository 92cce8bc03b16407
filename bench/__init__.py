"""Benchmarks that print figures (never assert timings); run them with ``make bench``."""
