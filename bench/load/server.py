"""A gunicorn server of our own on a free loopback port: started, waited for, measured from
/proc (worker RSS and CPU time), and always stopped."""

import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT
from config import gunicorn as production

GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"
# Production's workers and threads (config/gunicorn.py) unless overridden here.
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", production.workers))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", production.threads))
# gunicorn's access log as production has it (config/gunicorn.py: none unless
# GUNICORN_ACCESS_LOG), to a file when on; BENCH_LOAD_ACCESS_LOG=1 or 0 decides instead.
ACCESS_LOG = os.environ.get("BENCH_LOAD_ACCESS_LOG", "1" if production.accesslog else "0") != "0"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn master (``process``) serving ``app`` on ``url``."""

    app: str
    url: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        return []

    def worker_rss_mb(self) -> float:
        """Sum of the workers' resident set sizes, in MiB."""
        total_kb = 0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
        return total_kb / 1024

    def worker_cpu_seconds(self) -> float:
        """User + system CPU time of the workers so far (their threads included)."""
        return sum(process_cpu_seconds(pid) for pid in self.worker_pids())

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def machine_busy_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def process_cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return 0.0


def postgres_backends(database: str) -> list[int]:
    """PostgreSQL server processes serving ``database`` (their title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
                if title.startswith("postgres: ") and f" {database} " in title:
                    pids.append(int(entry.name))
    return pids


def redis_server_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "redis-server":
                    pids.append(int(entry.name))
    return pids


def _delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two per-process samples (processes come and go: PostgreSQL
    backends are replaced when Django's CONN_MAX_AGE expires; one gone before the second
    sample is missed)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


@dataclass
class CpuSample:
    """CPU seconds so far: the machine (busy, total), per process the server's workers, our
    PostgreSQL backends and Redis, and this process's finished children (wrk)."""

    busy: float
    total: float
    workers: dict[int, float]
    postgres: dict[int, float]
    redis: dict[int, float]
    children: float

    @classmethod
    def take(cls, server: "Server", database: str) -> "CpuSample":
        busy, total = machine_busy_ticks()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(
            busy=busy / CLOCK_TICKS,
            total=total / CLOCK_TICKS,
            workers={p: process_cpu_seconds(p) for p in server.worker_pids()},
            postgres={p: process_cpu_seconds(p) for p in postgres_backends(database)},
            redis={p: process_cpu_seconds(p) for p in redis_server_pids()},
            children=children.ru_utime + children.ru_stime,
        )


@dataclass
class CpuUse:
    """CPU used between two samples: seconds per kind, and shares of the machine."""

    workers: float
    postgres: float
    busy_pct: float
    others_pct: float  # processes that do not serve this benchmark (another job, say)
    worker_split: list[float]  # each worker's CPU seconds, most first (balance across them)

    @classmethod
    def between(cls, before: CpuSample, after: CpuSample) -> "CpuUse":
        total = max(after.total - before.total, 1e-9)
        busy = after.busy - before.busy
        workers = _delta(before.workers, after.workers)
        postgres = _delta(before.postgres, after.postgres)
        ours = workers + postgres + _delta(before.redis, after.redis)
        ours += after.children - before.children
        split = [cpu - before.workers.get(pid, 0.0) for pid, cpu in after.workers.items()]
        return cls(
            workers=workers,
            postgres=postgres,
            worker_split=sorted(split, reverse=True),
            busy_pct=100 * busy / total,
            others_pct=max(0.0, 100 * (busy - ours) / total),
        )


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], *, health_path: str, log_dir: Path) -> Iterator[Server]:
    """Serve ``app`` (``module:callable``) with gunicorn, as production does (``WORKERS``
    workers x ``THREADS`` threads), until the block exits, whatever happens in it."""
    port = free_port()
    log = log_dir / f"gunicorn-{port}.log"
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--config", str(GUNICORN_CONFIG),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--threads", str(THREADS),
        "--chdir", str(ROOT),
        "--no-control-socket",
        "--error-logfile", str(log),
    ]  # fmt: skip
    access_log = str(log_dir / f"access-{port}.log") if ACCESS_LOG else ""
    env = {**env, "GUNICORN_ACCESS_LOG": access_log}
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (our interpreter, gunicorn, our app)
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server = Server(app=app, url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        _wait_ready(server, health_path)
        yield server
    finally:
        stop(server)


def _wait_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    """Until ``path`` answers 200 and every worker is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn {server.app} exited:\n{server.tail()}")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(server.url + path, timeout=5) as response,  # noqa: S310
        ):
            if response.status == 200 and len(server.worker_pids()) >= WORKERS:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn {server.app} not ready after {timeout:.0f} s:\n{server.tail()}")


def stop(server: Server) -> None:
    """SIGTERM to the master (graceful), SIGKILL to its process group after 15 s."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    # Workers left behind by a master that died abruptly share its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def log_directory() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as path:
        yield Path(path)


NGINX_TEMPLATES = ROOT / "deploy" / "nginx" / "templates"
NGINX_WORKERS = os.environ.get("BENCH_LOAD_NGINX_WORKERS", "auto")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _render(template: Path, values: dict[str, str]) -> str:
    """A template of deploy/nginx/templates as the nginx image renders it (envsubst)."""
    text = template.read_text()
    for name, value in values.items():
        text = re.sub(rf"\$(\{{{name}\}}|{name}\b)", lambda _, value=value: value, text)
    return text


@contextlib.contextmanager
def nginx(upstream: Server, *, log_dir: Path, keepalive: int = 0) -> Iterator[Server]:
    """Debian's nginx on a free loopback port in front of ``upstream``, configured by the
    production templates (deploy/nginx/templates) as docker compose renders them; with
    ``keepalive``, through an upstream group that keeps that many idle connections (what
    gthread workers can use; sync workers close every connection). The ``Server`` returned
    is ``upstream`` at nginx's URL: the workers measured are gunicorn's."""
    binary = nginx_binary()
    if binary is None:
        raise SystemExit("nginx is not installed: `apt-get install -y nginx-light` (Debian).")
    port = free_port()
    home = log_dir / f"nginx-{port}"
    (home / "temp").mkdir(parents=True)
    target = upstream.url.removeprefix("http://")
    pool = ""
    if keepalive:
        pool = f"upstream bench_api {{ server {target}; keepalive {keepalive}; }}\n"
        target = "bench_api"  # proxy_pass http://$api_upstream picks the group by its name
    values = {
        "NGINX_LISTEN": f"127.0.0.1:{port}",
        "API_UPSTREAM": target,
        "NGINX_RESOLVER": "127.0.0.1",  # unused: the upstream is an address or a group
        "NGINX_CLIENT_TIMEOUT": "10s",
        "NGINX_CLIENT_MAX_BODY_SIZE": "1048576",
        "NGINX_CACHE_DIR": str(home / "cache"),
    }
    includes = []
    for template in sorted(NGINX_TEMPLATES.glob("*.template")):
        conf = home / template.name.removesuffix(".template")
        conf.write_text(_render(template, values))
        includes.append(f"    include {conf};")
    mime = Path("/etc/nginx/mime.types")
    lines = [
        "user root;" if os.geteuid() == 0 else "",
        "daemon off;",
        f"worker_processes {NGINX_WORKERS};",
        f"pid {home / 'nginx.pid'};",
        f"error_log {home / 'error.log'} warn;",
        "events { worker_connections 1024; }",
        "http {",
        f"    include {mime};" if mime.exists() else "",
        "    default_type application/octet-stream;",
        "    access_log off;",  # production's nginx logs each request; here, the app is measured
        *(f"    {k}_temp_path {home / 'temp' / k};" for k in ("client_body", "proxy")),
        *(f"    {k}_temp_path {home / 'temp' / k};" for k in ("fastcgi", "uwsgi", "scgi")),
        f"    {pool}",
        *includes,
        "}",
    ]
    conf = home / "nginx.conf"
    conf.write_text("\n".join(lines) + "\n")
    log = home / "error.log"
    process = subprocess.Popen(  # noqa: S603 (Debian's nginx, our configuration)
        [binary, "-p", str(home), "-c", str(conf), "-e", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Server(app="nginx", url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{server.tail()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx not listening after 20 s:\n{server.tail()}")
            time.sleep(0.1)
        yield Server(app=upstream.app, url=server.url, process=upstream.process, log=upstream.log)
    finally:
        stop(server)
