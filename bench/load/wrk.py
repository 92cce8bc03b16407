"""Driving wrk: a request file, one connection per wrk thread, figures parsed from the Lua
script's JSON line."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("wrk.lua")
MARKER = "BENCH_WRK_JSON "


@dataclass(frozen=True)
class Request:
    """One request of a scenario; ``token`` is a JWT access (or empty), ``body`` JSON text,
    ``etag`` an If-None-Match (a 304 then counts as a success)."""

    method: str
    path: str
    token: str = ""
    body: str = ""
    etag: str = ""

    def line(self) -> str:
        for part in (self.method, self.path, self.token, self.body, self.etag):
            if "\t" in part or "\n" in part:
                raise ValueError(f"tab or newline in a request field: {part!r}")
        return f"{self.method}\t{self.path}\t{self.token}\t{self.body}\t{self.etag}\n"


@dataclass
class WrkResult:
    """What one wrk run measured (latencies in milliseconds)."""

    seconds: float
    requests: int
    rps: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    mean: float
    non2xx: int
    socket_errors: int
    statuses: dict[str, int]
    queries_per_request: float | None
    exhausted: int
    raw: dict[str, Any] = field(repr=False)

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def check_installed() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (Debian package).")
    return path


def run(
    *,
    url: str,
    requests: list[Request],
    connections: int,
    seconds: float,
    mode: str = "cycle",
    timeout: float = 10.0,
) -> WrkResult:
    """Run wrk for ``seconds`` with ``connections`` connections (one thread each) sending
    ``requests`` (split between the connections) and return its figures."""
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(f"loopback only: {url}")
    if len(requests) < connections:
        raise ValueError(f"{len(requests)} requests for {connections} connections")
    with tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".tsv") as file:
        file.writelines(r.line() for r in requests)
        file.flush()
        env = {
            "BENCH_WRK_REQUESTS": file.name,
            "BENCH_WRK_MODE": mode,
            "BENCH_WRK_THREADS": str(connections),
            "PATH": "/usr/bin:/bin",
        }
        command = [
            check_installed(),
            f"--threads={connections}",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            f"--timeout={max(1, round(timeout))}s",
            f"--script={SCRIPT}",
            url,
        ]
        done = subprocess.run(  # noqa: S603 (wrk, our script, a loopback URL)
            command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARKER)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}{done.stdout}")
    return parse(json.loads(line[len(MARKER) :]))


def parse(raw: dict[str, Any]) -> WrkResult:
    seconds = raw["duration_us"] / 1e6
    lat = raw["latency_us"]
    errors = raw["errors"]
    return WrkResult(
        seconds=seconds,
        requests=raw["requests"],
        rps=raw["requests"] / seconds if seconds else 0.0,
        p50=lat["p50"] / 1000,
        p90=lat["p90"] / 1000,
        p95=lat["p95"] / 1000,
        p99=lat["p99"] / 1000,
        max=lat["max"] / 1000,
        mean=lat["mean"] / 1000,
        non2xx=raw["non2xx"],
        # wrk's "status" errors (>= 400) are already among the non-2xx.
        socket_errors=sum(errors[k] for k in ("connect", "read", "write", "timeout")),
        statuses={str(k): int(v) for k, v in raw["statuses"].items()},
        queries_per_request=raw["queries"] / raw["queried"] if raw["queried"] else None,
        exhausted=raw["exhausted"],
        raw=raw,
    )
