"""``python -m bench.load [run|seed|scale]``: see the package docstring and docs/performance.md."""

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from bench import common
from bench.load import data

RESULTS = common.RESULTS_DIR / "load"
SCALE_RESULTS = common.RESULTS_DIR / "load_scale"


def _ints(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--movies", type=int, default=data.DEFAULT_MOVIES)
    parser.add_argument("--users", type=int, default=data.DEFAULT_USERS)
    parser.add_argument("--favorites-per-user", type=int, default=data.DEFAULT_FAVORITES_PER_USER)


def main(argv: list[str] | None = None) -> None:
    from bench.load import runner, scale, scenarios

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="every scenario (the default command)")
    _data_arguments(run)
    run.add_argument(
        "--scenarios",
        default=os.environ.get("BENCH_LOAD_SCENARIOS", ",".join(runner.default_scenarios())),
        help="comma-separated: " + ", ".join(s.key for s in scenarios.SCENARIOS),
    )
    run.add_argument("--concurrency", default=os.environ.get("BENCH_LOAD_CONCURRENCY", "1,8,32"))
    run.add_argument(
        "--duration", type=float, default=float(os.environ.get("BENCH_LOAD_DURATION", "10"))
    )
    run.add_argument("--output", type=Path, default=RESULTS, help="path stem of the results")
    run.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)
    seed = commands.add_parser("seed", help="seed the bench database (idempotent)")
    _data_arguments(seed)
    seed.add_argument("--no-recommendations", action="store_true")
    scaled = commands.add_parser("scale", help="list and favorites scenarios at 1x/10x/100x")
    scaled.add_argument(
        "--scales", default=os.environ.get("BENCH_LOAD_SCALES", ",".join(map(str, scale.SCALES)))
    )
    scaled.add_argument(
        "--concurrency",
        default=os.environ.get(
            "BENCH_LOAD_SCALE_CONCURRENCY", ",".join(map(str, scale.CONCURRENCY))
        ),
    )
    scaled.add_argument(
        "--duration", type=float, default=float(os.environ.get("BENCH_LOAD_DURATION", "10"))
    )
    commands.add_parser("report", help="rewrite load.md/.png from load.json and load_scale.json")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*commands.choices, "-h", "--help"):
        argv.insert(0, "run")  # `python -m bench.load --duration 5` runs
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped by their `finally`.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    if args.command == "seed":
        d = data.DataSet(args.movies, args.users, args.favorites_per_user)
        data.setup(d, data.new_secret_key())
        seconds = data.seed(d, recommendations=not args.no_recommendations)
        print(f"seeded {d.database}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
        return
    if args.command == "report":
        from bench.load import report

        if not report.refresh(RESULTS, SCALE_RESULTS.with_suffix(".json")):
            sys.exit(f"no {RESULTS.with_suffix('.json')}: run `python -m bench.load` first")
        print(f"{RESULTS}.json, .md and .png rewritten with the latest scale results")
        return
    if args.command == "scale":
        scale.run(
            scales=_ints(args.scales),
            concurrency=_ints(args.concurrency),
            duration=args.duration,
            stem=SCALE_RESULTS,
        )
        print(f"\nFigures written to {SCALE_RESULTS.relative_to(common.ROOT)}.json and .md")
        from bench.load import report

        if report.refresh(RESULTS, SCALE_RESULTS.with_suffix(".json")):
            print(f"Targets of {RESULTS.relative_to(common.ROOT)}.md updated with these results")
        return

    from bench.load import report

    unknown = set(args.scenarios.split(",")) - set(scenarios.BY_KEY)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    config = runner.RunConfig(
        data_set=data.DataSet(args.movies, args.users, args.favorites_per_user),
        scenarios=args.scenarios.split(","),
        concurrency=_ints(args.concurrency),
        duration=args.duration,
    )
    result = runner.run(config)
    scale_file = SCALE_RESULTS.with_suffix(".json")
    scale_result = json.loads(scale_file.read_text()) if scale_file.exists() else None
    targets = report.targets(result, scale_result)
    if not args.json_only:
        report.print_report(result, targets)
    report.write(result, targets, args.output, full=not args.json_only)
    if not args.json_only:
        print(f"\nFigures written to {args.output}.json, .md and .png ({result.seconds:.0f} s)")


if __name__ == "__main__":
    main()
