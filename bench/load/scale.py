"""Scale mode: the list and favorites scenarios at 1x, 10x and 100x data, each in its own
database and server (one ``python -m bench.load run`` subprocess per size), and how p95 grows."""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common
from bench.load import data
from bench.load.report import TARGET_SCALE_GROWTH, _md_table, _verdict, scale_target
from bench.load.scenarios import SCALE_KEYS

SCALES = [10_000, 100_000, 1_000_000]
CONCURRENCY = [8, 32]


def data_set(movies: int) -> data.DataSet:
    """Users grow with the catalog (one per 10 movies), 20 favorites each."""
    return data.DataSet(
        movies=movies,
        users=max(1000, movies // 10),
        favorites_per_user=data.DEFAULT_FAVORITES_PER_USER,
    )


def run(
    *, scales: list[int], concurrency: list[int], duration: float, stem: Path
) -> dict[str, Any]:
    started_at = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    started = time.perf_counter()
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-load-scale-") as tmp:
        for movies in scales:
            d = data_set(movies)
            out = Path(tmp) / f"scale-{movies}"
            print(f"\nscale: {movies:,} movies, {d.users:,} users", file=sys.stderr)
            command = [
                sys.executable, "-m", "bench.load", "run",
                "--movies", str(d.movies), "--users", str(d.users),
                "--favorites-per-user", str(d.favorites_per_user),
                "--scenarios", ",".join(SCALE_KEYS),
                "--concurrency", ",".join(map(str, concurrency)),
                "--duration", str(duration),
                "--output", str(out), "--json-only",
            ]  # fmt: skip
            subprocess.run(command, cwd=common.ROOT, check=True)  # noqa: S603 (ourselves)
            runs.append(json.loads(out.with_suffix(".json").read_text()))
    result = {
        "started_at": started_at,
        "seconds": time.perf_counter() - started,
        "scales": scales,
        "concurrency": concurrency,
        "duration": duration,
        "runs": runs,
        "growth": growth(runs),
    }
    result["target"] = scale_target(result)
    report(result)
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(result))
    return result


def growth(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per scenario and concurrency: p95 and req/s at each size, p95 at the largest over the
    smallest."""
    out = []
    first = runs[0]["rows"]
    for row in first:
        same = [
            next(
                r
                for r in run["rows"]
                if r["scenario"] == row["scenario"] and r["concurrency"] == row["concurrency"]
            )
            for run in runs
        ]
        out.append(
            {
                "scenario": row["scenario"],
                "name": row["name"],
                "read": row["read"],
                "concurrency": row["concurrency"],
                "p95": [r["p95"] for r in same],
                "p99": [r["p99"] for r in same],
                "rps": [r["rps"] for r in same],
                "queries_per_request": [r["queries_per_request"] for r in same],
                "errors": [r["errors"] for r in same],
                "growth": same[-1]["p95"] / same[0]["p95"] if same[0]["p95"] else float("nan"),
            }
        )
    return out


def _headers(result: dict[str, Any]) -> list[str]:
    sizes = [data.short(n) for n in result["scales"]]
    return [
        "scenario",
        "c",
        *(f"p95 ms {s}" for s in sizes),
        f"p95 x ({sizes[-1]}/{sizes[0]})",
        *(f"req/s {s}" for s in sizes),
        "errors",
    ]


def _rows(result: dict[str, Any]) -> list[list[Any]]:
    return [
        [g["name"], g["concurrency"], *g["p95"], g["growth"], *g["rps"], sum(g["errors"])]
        for g in result["growth"]
    ]


def report(result: dict[str, Any]) -> None:
    loads = ", ".join(
        f"{data.short(r['config']['data_set']['movies'])}: "
        + " ".join(f"{x:.2f}" for x in r["load_average_start"])
        for r in result["runs"]
    )
    print(
        f"\n== Load benchmark, scale mode: {result['duration']:.0f} s per run "
        f"(users = movies / 10, 20 favorites each); load average at each start: {loads}"
    )
    common.print_table("p95 as the data grows", _headers(result), _rows(result))
    t = result["target"]
    print(f"\n  [{_verdict(t['met'])}] {t['target']}: {t['detail']}")
    print(f"  (growth target: p95 at 100x data < {TARGET_SCALE_GROWTH:.0f}x p95 at 1x)")


def markdown(result: dict[str, Any]) -> str:
    t = result["target"]
    return "\n".join(
        [
            "# Load benchmark, scale mode",
            "",
            f"Run {result['started_at']}, {result['seconds']:.0f} s, "
            f"{result['duration']:.0f} s per run; users = movies / 10, 20 favorites each.",
            "",
            _md_table(_headers(result), _rows(result)),
            "",
            f"- **{_verdict(t['met'])}**: {t['target']} ({t['detail']})",
            "",
        ]
    )
