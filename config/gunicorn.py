"""gunicorn's settings for the production server (``gunicorn -c config/gunicorn.py``: the
Dockerfile, docker compose and the load benchmark), overridable from the environment.

Default: two single-threaded (sync) workers per CPU. On the load benchmark (2 CPUs, 32
connections) that kept p99 of cached reads at 46-65 ms against 120-196 ms for 3 workers x 2
threads, at the same or higher throughput: a worker's threads share one GIL and queue behind
each other, while sync workers take requests one at a time from the shared socket. Sync workers
expect a buffering reverse proxy in front (nginx, a load balancer), as gunicorn advises; with
slow clients reaching gunicorn directly, set ``GUNICORN_THREADS`` (gthread workers).

Behind nginx (``make bench-workers`` on a quiet machine, docs/performance.md) the micro-cache
answers most anonymous reads, and on what reaches gunicorn gthread's p99 was 1.2-2.1x sync's
even with upstream keepalive: sync stays the default; with gthread, an nginx upstream group
with ``keepalive`` reuses connections.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "-": stdout; "": none
wsgi_app = "config.wsgi:application"
