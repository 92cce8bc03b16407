"""Benchmarks that print figures (never assert timings); run them with ``make bench`` (the load
test) and the other ``make bench-*`` targets."""
