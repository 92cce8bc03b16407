"""Load benchmark: the API under gunicorn (prod-like settings) driven by wrk over loopback.

    python -m bench.load            # seed if needed, run every scenario, write bench/results/load.*
    python -m bench.load seed       # seed only (idempotent)
    python -m bench.load scale      # list and favorites scenarios at 1x, 10x, 100x data

See docs/performance.md.
"""

# The middleware-stack ceiling endpoint (bench.load.views), served by bench.load.urls.
CEILING_PATH = "/api/bench/ceiling/"
# The same with a body the size of a favorites page.
CEILING_PAGE_PATH = "/api/bench/ceiling-page/"
# A plain Django view's constant JSON through our stack (bench.load.views.django_ceiling).
STACK_PATH = "/api/bench/django/"
# Every ceiling's body.
PAYLOAD = {"status": "ok", "service": "movie-recommendation"}
