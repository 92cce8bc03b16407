"""The load benchmark's ``stack`` and ``stock`` views in process: CPU per request of the WSGI
application called as gunicorn's workers call it, without the server and its socket.

    python -m bench.load.inprocess stack 2>/tmp/stack.log   # production's middleware and logging
    python -m bench.load.inprocess stock                    # bench.load.stock: Django's defaults

``stack`` runs under the load benchmark's settings (``bench.load.data.server_env``: production's,
the access line on, written to stderr as gunicorn's workers write it to their log, and the
metrics in multiprocess files); ``stock`` under ``bench.load.stock``. One project per process:
run the two (and the trees compared) one after the other, interleaved. Prints the best and the
first quartile of ``--batches`` batches of ``--requests`` (``time.process_time``).
``BENCH_COUNT_QUERIES=0`` leaves the bench's query counter out of ``stack``.
"""

import argparse
import io
import os
import sys
import tempfile
import time

from bench.load import STACK_PATH, data


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load.inprocess", description=__doc__)
    parser.add_argument("project", choices=("stack", "stock"))
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--batches", type=int, default=10)
    args = parser.parse_args()
    if args.project == "stack":
        os.environ.update(data.server_env(data.DataSet(), data.new_secret_key()))
    else:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.stock"
    # As config/gunicorn.py's on_starting.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    path = STACK_PATH if args.project == "stack" else "/"
    statuses: list[str] = []

    def get() -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000", "HTTP_USER_AGENT": "wrk", "HTTP_ACCEPT": "*/*",
            "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "40000", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip
        body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        body.close()  # type: ignore[attr-defined]  # Django's responses have close()

    for _ in range(200):  # imports, lazy settings, the URL resolver: not the steady state
        get()
    if not statuses[-1].startswith("200"):
        sys.exit(f"{path}: {statuses[-1]}")
    batches = []
    for _ in range(args.batches):
        started = time.process_time()
        for _ in range(args.requests):
            get()
        batches.append((time.process_time() - started) / args.requests)
    batches.sort()
    best, quartile = batches[0] * 1e6, batches[len(batches) // 4] * 1e6
    print(f"{args.project}: {best:.0f} us of CPU per request (best), {quartile:.0f} (1st quartile)")


if __name__ == "__main__":
    main()
