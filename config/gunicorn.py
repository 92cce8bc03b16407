"""gunicorn's settings for the production server (``gunicorn -c config/gunicorn.py``: the
Dockerfile, docker compose and the load benchmark), overridable from the environment.

Default: two single-threaded (sync) workers per CPU this process may use (``usable_cpus``: the
affinity mask, ``taskset`` or ``--cpuset-cpus``, fewer if the cgroup's CPU quota, a container's
``--cpus``, allows less), at least 2 and at most ``GUNICORN_MAX_WORKERS`` (16): each worker
holds a database connection, and a 64-core host must not open 128 of them. On the load
benchmark (2 CPUs, 32 connections) that kept p99 of cached reads at 46-65 ms against 120-196 ms
for 3 workers x 2 threads, at the same or higher throughput: a worker's threads share one GIL
and queue behind each other, while sync workers take requests one at a time from the shared
socket. Sync workers expect a buffering reverse proxy in front (nginx, a load balancer), as
gunicorn advises; with slow clients reaching gunicorn directly, set ``GUNICORN_THREADS``
(gthread workers).

Behind nginx (``make bench-workers`` on a quiet machine, docs/performance.md) the micro-cache
answers most anonymous reads, and on what reaches gunicorn gthread's p99 was 1.2-2.1x sync's
even with upstream keepalive: sync stays the default; with gthread, an nginx upstream group
with ``keepalive`` reuses connections.
"""

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from gunicorn import glogging, util

from core.logs import JsonLines

CGROUP = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")


def _walk_up(mount: Path, own: str) -> list[Path]:
    """The process's cgroup folder under a hierarchy's mount, then each parent up to the mount.
    (In a container on v1 the path may be the host's, absent here: the mount is its cgroup.)"""
    folder = mount / own.strip().lstrip("/")
    return [folder, *folder.parents[: len(folder.relative_to(mount).parts)]]


def cgroup_quota(root: Path = CGROUP, proc_cgroup: Path = PROC_CGROUP) -> float | None:
    """CPUs' worth of time the cgroup quota allows this process (None: no quota): the lowest of
    its cgroup's and its parents'. cgroup v2: ``cpu.max``; v1: ``cpu.cfs_quota_us`` over
    ``cpu.cfs_period_us`` in the cpu controller's hierarchy."""
    quotas = []
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        _, controllers, own = line.split(":", 2) if line.count(":") >= 2 else ("", "-", "")
        if line.startswith("0::"):  # v2
            for candidate in _walk_up(root, own):
                try:
                    quota, period = (candidate / "cpu.max").read_text().split()
                except (OSError, ValueError):
                    quota = "max"
                if quota != "max":
                    quotas.append(int(quota) / int(period))
        elif "cpu" in controllers.split(","):  # v1: the mount is named by its controllers
            for name in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
                for candidate in _walk_up(root / name, own):
                    try:
                        quota_us = int((candidate / "cpu.cfs_quota_us").read_text())
                        period_us = int((candidate / "cpu.cfs_period_us").read_text())
                    except (OSError, ValueError):
                        continue
                    if quota_us > 0 and period_us > 0:
                        quotas.append(quota_us / period_us)
    return min(quotas) if quotas else None


def usable_cpus() -> float:
    """The CPUs this process may use: the affinity mask's, fewer if the cgroup quota says so."""
    try:
        cpus: float = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cpus = os.cpu_count() or 1
    quota = cgroup_quota()
    return min(cpus, quota) if quota else cpus


def default_workers(cpus: float, ceiling: int) -> int:
    """Two per usable CPU (a fraction of one counts as one), at least 2, at most ``ceiling``."""
    return max(2, min(ceiling, 2 * math.ceil(cpus)))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or default_workers(usable_cpus(), int(os.environ.get("GUNICORN_MAX_WORKERS", "16")))
)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# No access log of gunicorn's by default: behind nginx the client's line is nginx's, and the app
# writes its own, with what nginx cannot know (core.access: route, status, duration, user id,
# request id), besides Django's errors; a second line per request here would be CPU on every
# request (issue 24). "-" logs gunicorn's line to stdout too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-": stdout; unset or "": none
wsgi_app = "config.wsgi:application"


# Prometheus metrics of every worker (core.metrics): prometheus-client's multiprocess mode, the
# workers' samples in files of one folder (PROMETHEUS_MULTIPROC_DIR, else a new temporary one),
# emptied as the server starts, before any worker imports prometheus-client (so not with
# preload_app); a dead worker's gauges are dropped (its counters stay: part of the totals).
def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="prometheus-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    for stale in Path(folder).glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# gunicorn's own lines (workers booting, timeouts) as JSON objects too, as the app's.
class JsonLogger(glogging.Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in (*self.error_log.handlers, *self.access_log.handlers):
            handler.setFormatter(JsonLines())


logger_class = JsonLogger


# What gunicorn answers itself, before the app (a request line over limit_request_line: 414,
# headers too large: 431, a malformed request: 400), as the API's {"detail"} JSON rather than
# its HTML page. gunicorn has no setting for it: its workers call util.write_error, replaced here
# in the master, so every worker forked from it inherits it.
def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    body = json.dumps({"detail": f"{reason}."}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = write_json_error
