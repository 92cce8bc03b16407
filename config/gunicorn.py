"""gunicorn's settings for the production server (``gunicorn -c config/gunicorn.py``: the
Dockerfile, docker compose and the load benchmark), overridable from the environment.

Threads let a worker overlap its waits on PostgreSQL and Redis; the GIL keeps one worker to
about one CPU, hence one worker per CPU plus one.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "-": stdout; "": none
wsgi_app = "config.wsgi:application"
