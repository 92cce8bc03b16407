"""One load run: seed (if needed), start gunicorn, run the scenarios with wrk at each
concurrency, measure the workers from /proc, stop everything."""

import dataclasses
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.load import data, server, wrk
from bench.load.scenarios import BY_KEY, NGINX_KEYS, SCENARIOS, Context, Scenario

WARM_SECONDS = 2.0
WARM_CONNECTIONS = 8
# Refresh tokens made per run and second (each is used once): ~2x the best rate seen on 2 CPUs
# (864/s on a quiet machine, where 600 ran out).
REFRESH_PER_SECOND = 1600
# Waiting for a quiet machine before each measured run: the idle threshold, the sampling
# period, and the most a whole run may wait (seconds).
QUIET_BUSY_PCT = 20.0
QUIET_SAMPLE_SECONDS = 0.5
# Draining the server after a run: idle below 5% of a CPU, sampled every 0.25 s, 60 s at most.
DRAIN_IDLE_SHARE = 0.05
DRAIN_SAMPLE_SECONDS = 0.25
DRAIN_MAX_SECONDS = 60.0
QUIET_BUDGET_SECONDS = float(os.environ.get("BENCH_LOAD_QUIET_BUDGET", "60"))
# The scenarios run again through nginx (its production configuration, Debian's package on
# loopback) in the same run: "" for none. Idle upstream connections nginx keeps for gthread
# workers (sync workers close each connection, so none for them).
NGINX_SCENARIOS = os.environ.get("BENCH_LOAD_NGINX", ",".join(NGINX_KEYS))
NGINX_KEEPALIVE = int(os.environ.get("BENCH_LOAD_NGINX_KEEPALIVE", "32"))
# Servers of their own (Scenario.server): the bare WSGI callable, and a stock Django project
# (Django's default middleware only) serving the same constant JSON as STACK_PATH through ours.
STANDALONE = {
    "bare": ("bench.load.bare:application", {}),
    "stock": (
        "django.core.wsgi:get_wsgi_application()",
        {"DJANGO_SETTINGS_MODULE": "bench.load.stock"},
    ),
}


@dataclass
class Row:
    """One scenario at one concurrency (latencies in milliseconds)."""

    scenario: str
    name: str
    group: str
    read: bool
    concurrency: int
    requests: int
    rps: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float
    non2xx: int
    socket_errors: int
    statuses: dict[str, int]
    queries_per_request: float | None
    cpu_ms_per_request: float | None  # gunicorn workers' CPU time per request
    postgres_ms_per_request: float | None  # CPU time of the PostgreSQL backends serving them
    machine_busy_pct: float  # all CPUs, every process (PostgreSQL, Redis, wrk included)
    others_pct: float  # CPU share of processes that do not serve this benchmark
    worker_rss_mb: float
    load_average: float  # 1-minute, right after the run
    exhausted: int = 0  # one-use requests sent again (refresh tokens): should be 0
    ceiling_pct: float | None = None  # rps as % of the middleware-stack ceiling
    path: str = "gunicorn"  # or "nginx": through nginx in front of the same gunicorn
    worker_cpu_split: list[float] = field(default_factory=list)  # seconds per worker

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


@dataclass
class RunConfig:
    data_set: data.DataSet
    scenarios: list[str]
    concurrency: list[int]
    duration: float
    refresh_capacity: int = 0  # 0: derived from the duration


@dataclass
class RunResult:
    config: dict[str, Any]
    started_at: str
    seconds: float
    seed_seconds: dict[str, float]
    machine: dict[str, Any]
    load_average_start: list[float]
    load_average_end: list[float]
    argon2: dict[str, float] | None
    rows: list[Row] = field(default_factory=list)
    quiet_wait_seconds: float = 0.0  # waited for another job to calm down (QuietGate)


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as file:
            names = (x.split(":", 1)[1].strip() for x in file if x.startswith("model name"))
            model = next(names, "")
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "workers": server.WORKERS,
        "threads": server.THREADS,
        "access_log": server.ACCESS_LOG,
        "python": sys.version.split()[0],
    }


def run(config: RunConfig) -> RunResult:
    """Everything a load run does; the servers are stopped whatever happens."""
    started = time.perf_counter()
    selected = [BY_KEY[key] for key in config.scenarios]
    wrk.check_installed()
    env = data.setup(config.data_set, data.new_secret_key())
    needs_recommendations = any(s.group == "recommendations" for s in selected)
    seed_seconds = data.seed(config.data_set, recommendations=needs_recommendations)
    data.flush_cache()
    argon2 = data.argon2_cost() if "token_obtain" in config.scenarios else None
    result = RunResult(
        config={**asdict(config), "database": config.data_set.database},
        started_at=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        seconds=0.0,
        seed_seconds=seed_seconds,
        machine=machine(),
        load_average_start=list(os.getloadavg()),
        load_average_end=[],
        argon2=argon2,
    )
    capacity = config.refresh_capacity or int(REFRESH_PER_SECOND * config.duration)
    with (
        server.log_directory() as logs,
        server.gunicorn(
            "config.wsgi:application", env, health_path="/api/health/", log_dir=logs
        ) as api,
    ):
        context = Context(
            data=config.data_set,
            api_url=api.url,
            refresh_capacity=capacity,
        )
        for number, scenario in enumerate(selected, 1):
            print(f"load: {scenario.name} ({number}/{len(selected)})", file=sys.stderr)
            if scenario.server in STANDALONE:
                app, app_env = STANDALONE[scenario.server]
                with server.gunicorn(
                    app, {**env, **app_env}, health_path="/", log_dir=logs
                ) as standalone:
                    result.rows += _scenario(scenario, standalone, context, config)
            else:
                result.rows += _scenario(scenario, api, context, config)
        edge = [BY_KEY[k] for k in NGINX_SCENARIOS.split(",") if k and k in config.scenarios]
        if edge:
            keepalive = NGINX_KEEPALIVE if server.THREADS > 1 else 0
            with server.nginx(api, log_dir=logs, keepalive=keepalive) as proxied:
                # Warm-ups and ETags through nginx too: links and ETags name the host asked.
                context = dataclasses.replace(context, api_url=proxied.url)
                for number, scenario in enumerate(edge, 1):
                    print(
                        f"load via nginx: {scenario.name} ({number}/{len(edge)})", file=sys.stderr
                    )
                    for row in _scenario(scenario, proxied, context, config):
                        row.path = "nginx"
                        row.scenario = f"{row.scenario}@nginx"
                        row.name = f"{row.name} via nginx"
                        result.rows.append(row)
        if api.process.poll() is not None:
            raise RuntimeError(f"the API server died:\n{api.tail()}")
    _ceiling_ratios(result.rows)
    result.load_average_end = list(os.getloadavg())
    result.quiet_wait_seconds = quiet.waited
    result.seconds = time.perf_counter() - started
    return result


class QuietGate:
    """Before a measured run, wait (within a budget for the whole run) until the machine is
    nearly idle: the servers are, so CPU in use then is another job's."""

    def __init__(self, budget: float = QUIET_BUDGET_SECONDS) -> None:
        self.budget = budget
        self.waited = 0.0

    def wait(self) -> None:
        started = self.waited
        while True:
            busy, total = server.machine_busy_ticks()
            time.sleep(QUIET_SAMPLE_SECONDS)
            busy_after, total_after = server.machine_busy_ticks()
            busy_pct = 100 * (busy_after - busy) / max(1, total_after - total)
            if busy_pct < QUIET_BUSY_PCT or self.waited >= self.budget:
                break
            self.waited += QUIET_SAMPLE_SECONDS
        if self.waited > started:
            print(
                f"  (waited {self.waited - started:.1f} s for the machine to calm down; "
                f"{busy_pct:.0f}% busy at the start of the run)",
                file=sys.stderr,
            )


quiet = QuietGate()


def drain(srv: server.Server) -> None:
    """Wait until the workers are idle: requests queued when wrk stopped are still served (32
    queued logins are ~8 s of Argon2) and would spill into the next run or a cleanup."""
    deadline = time.monotonic() + DRAIN_MAX_SECONDS
    while time.monotonic() < deadline:
        before = srv.worker_cpu_seconds()
        time.sleep(DRAIN_SAMPLE_SECONDS)
        if srv.worker_cpu_seconds() - before < DRAIN_IDLE_SHARE * DRAIN_SAMPLE_SECONDS:
            return


def _scenario(scenario: Scenario, srv: server.Server, ctx: Context, config: RunConfig) -> list[Row]:
    """A short warm-up, then one measured wrk run per concurrency."""
    rows = []
    try:
        warm = scenario.build(ctx, WARM_CONNECTIONS)
        if scenario.prepare:
            scenario.prepare(ctx)
        wrk.run(
            url=srv.url,
            requests=warm,
            connections=WARM_CONNECTIONS,
            seconds=WARM_SECONDS,
            mode=scenario.mode,
            timeout=scenario.timeout,
        )
    finally:
        drain(srv)
        if scenario.cleanup:
            scenario.cleanup(ctx)
    for connections in config.concurrency:
        requests = scenario.build(ctx, connections)
        if scenario.prepare:
            scenario.prepare(ctx)
        quiet.wait()
        before = server.CpuSample.take(srv, config.data_set.database)
        try:
            measured = wrk.run(
                url=srv.url,
                requests=requests,
                connections=connections,
                seconds=config.duration,
                mode=scenario.mode,
                timeout=scenario.timeout,
            )
            after = server.CpuSample.take(srv, config.data_set.database)
        finally:
            drain(srv)
            if scenario.cleanup:
                scenario.cleanup(ctx)
        cpu = server.CpuUse.between(before, after)
        n = measured.requests
        row = Row(
            scenario=scenario.key,
            name=scenario.name,
            group=scenario.group,
            read=scenario.read and scenario.group != "ceiling",
            concurrency=connections,
            requests=measured.requests,
            rps=measured.rps,
            p50=measured.p50,
            p90=measured.p90,
            p95=measured.p95,
            p99=measured.p99,
            max=measured.max,
            non2xx=measured.non2xx,
            socket_errors=measured.socket_errors,
            statuses=measured.statuses,
            queries_per_request=measured.queries_per_request,
            cpu_ms_per_request=1000 * cpu.workers / n if n else None,
            postgres_ms_per_request=1000 * cpu.postgres / n if n else None,
            machine_busy_pct=cpu.busy_pct,
            others_pct=cpu.others_pct,
            worker_rss_mb=srv.worker_rss_mb(),
            load_average=os.getloadavg()[0],
            exhausted=measured.exhausted,
            worker_cpu_split=[round(x, 2) for x in cpu.worker_split],
        )
        print(
            f"  c={connections:<3} {row.rps:9.1f} req/s  p50 {row.p50:8.1f}  p95 {row.p95:8.1f}"
            f"  p99 {row.p99:8.1f} ms  errors {row.errors}"
            + (f" {row.statuses}" if row.statuses else ""),
            file=sys.stderr,
        )
        rows.append(row)
    return rows


def _ceiling_ratios(rows: list[Row]) -> None:
    # The DRF ceiling through gunicorn directly: rows through nginx are measured against it too.
    ceiling = {r.concurrency: r.rps for r in rows if r.scenario == "ceiling"}
    for row in rows:
        if ceiling.get(row.concurrency):
            row.ceiling_pct = 100 * row.rps / ceiling[row.concurrency]


def default_scenarios() -> list[str]:
    return [s.key for s in SCENARIOS]
