"""Run the benchmark scenarios and print one markdown table row per scenario.

    python -m bench.run [--target duckdb|postgres|spark|all] [--full] [--scenarios S1,S2,S3,S4]

Default sizes are reduced (a few minutes): S1/S2 at 100,000 shows, S3 at
20k/100k/300k with 1,000 changed / 500 new / 500 withdrawn, S4 at 200 titles.
`--full` runs the issue's sizes: 1,000,000 shows, S3 at 100k/1M/3M with
10,000 / 5,000 / 5,000, S4 at 2,000 titles. Spark runs S1/S2 only, at 20,000
shows (100,000 with --full; `--spark-shows`).
The table is also written to bench/results/<date>[-<target>][-<scenarios>][-full].md
(the scenarios when not all of them ran) with the machine, the versions and
the sizes. A wrong reconcile count or a lost TMDB title fails the run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench.generate import Changes
from bench.harness import BenchError, Context, pg_available, remove_scratch, scratch_dir
from bench.scenarios import Row, registry
from bench.scenarios.tmdb import TITLES as TMDB_TITLES
from bench.scenarios.tmdb import TITLES_REDUCED as TMDB_TITLES_REDUCED

RESULTS_DIR = Path(__file__).resolve().parent / "results"

HEADER = (
    "| Scenario | Target | Size | Marquee (s) | Limit (s) | Baseline (s, extrapolated) | Peer: dlt scd2 (s) "
    "| Marquee / limit | Baseline / Marquee | Peer / Marquee | Targets | Details |\n"
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
)


def _number(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "" if value is None else f"{value:,.{digits}f}{suffix}"


def _checks(row: Row) -> str:
    marks = {True: "met", False: "**MISSED**", None: "n/a"}
    return "; ".join(f"{label}: {marks[met]}" for label, met in row.checks)


def format_row(row: Row) -> str:
    cells = [
        row.scenario,
        row.target,
        row.size,
        _number(row.marquee_s),
        _number(row.limit_s),
        _number(row.baseline_s, 0),
        _number(row.peer_s),
        _number(row.over_limit, 2, "x"),
        _number(row.baseline_speedup, 0, "x"),
        _number(row.peer_speedup, 2, "x"),
        _checks(row),
        " ".join(row.details.replace("|", "/").split()),
    ]
    return "| " + " | ".join(cells) + " |"


def machine_info(targets: list[str]) -> list[str]:
    import dbt.version
    import dlt
    import duckdb
    import httpx
    import ijson
    import msgspec
    import psycopg2
    import pyarrow

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    meminfo = {
        line.split(":")[0]: int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
    }
    lines = [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {meminfo['MemTotal'] / 1024**2:.1f} GiB RAM, "
        f"load average at start {os.getloadavg()[0]:.2f}; {platform.platform()}",
        f"- Versions: Python {platform.python_version()}, dbt-core {dbt.version.__version__}, dlt {dlt.__version__}, "
        f"duckdb {duckdb.__version__}, psycopg2 {psycopg2.__version__.split()[0]}, pyarrow {pyarrow.__version__}, "
        f"ijson {ijson.__version__} ({ijson.backend}), msgspec {msgspec.__version__}, httpx {httpx.__version__}",
    ]
    if "spark" in targets:
        import pyspark

        lines.append(f"- Spark {pyspark.__version__} in the marquee process (local[2], plain parquet tables)")
    if "postgres" in targets:
        from bench.harness import admin_connection

        with admin_connection() as conn:
            cur = conn.cursor()
            cur.execute("show server_version")
            version = cur.fetchone()[0]
            cur.execute("show shared_buffers")
            buffers = cur.fetchone()[0]
        lines.append(f"- PostgreSQL server {version} (shared_buffers {buffers}) on the same machine")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("duckdb", "postgres", "spark", "all"), default="all")
    parser.add_argument("--full", action="store_true", help="the issue's sizes (1M shows; S3 at 100k/1M/3M; S4 2,000 titles)")
    parser.add_argument("--shows", type=int, help="S1/S2 size (overrides the default)")
    parser.add_argument("--spark-shows", type=int, help="S1/S2 size on Spark (default 20,000; 100,000 with --full)")
    parser.add_argument("--scaling", help="S3 sizes, comma-separated (overrides the default)")
    parser.add_argument("--tmdb-titles", type=int, help="S4 size in titles (default 200; 2,000 with --full)")
    parser.add_argument("--scenarios", default="S1,S2,S3,S4", help="comma-separated scenario names")
    parser.add_argument("--baseline-rows", type=int, default=20_000, help="size of the baseline's slice")
    parser.add_argument(
        "--baseline-budget", type=float,
        help="seconds the baseline may spend syncing its slice before it stops at a chunk boundary "
        "(default 30; 120 with --full)",
    )
    parser.add_argument(
        "--peer-budget", type=float,
        help="seconds each load of the dlt scd2 peer may take before it is killed (default 60; 300 with --full)",
    )
    parser.add_argument("--scratch", help="directory for the feeds and DuckDB files (default: the system temp)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where to write the results file")
    args = parser.parse_args(argv)

    shows = args.shows or (1_000_000 if args.full else 100_000)
    spark_shows = args.spark_shows or (100_000 if args.full else 20_000)
    scaling = [int(s) for s in args.scaling.split(",")] if args.scaling else (
        [100_000, 1_000_000, 3_000_000] if args.full else [20_000, 100_000, 300_000]
    )
    scaling_changes = Changes.percent(1_000_000 if args.full else 100_000)
    if scaling_changes.changed + scaling_changes.withdrawn > min(scaling):
        scaling_changes = Changes.percent(min(scaling))
    tmdb_titles = args.tmdb_titles or (TMDB_TITLES if args.full else TMDB_TITLES_REDUCED)
    if args.baseline_budget is None:
        args.baseline_budget = 120.0 if args.full else 30.0
    if args.peer_budget is None:
        args.peer_budget = 300.0 if args.full else 60.0
    scenarios = registry()
    chosen = [name.strip().upper() for name in args.scenarios.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in scenarios]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(scenarios)}")
    # S4 runs on no warehouse: a run of it alone needs (and names) no target
    uses_targets = any(scenarios[name].targets != ("-",) for name in chosen)

    targets = ["duckdb", "postgres", "spark"] if args.target == "all" else [args.target]
    if uses_targets and "postgres" in targets and (reason := pg_available()):
        print(f"bench: PostgreSQL is not reachable ({reason}); running DuckDB only", file=sys.stderr)
        targets = [t for t in targets if t != "postgres"]

    started = datetime.now(timezone.utc)
    info = machine_info(targets if uses_targets else [])
    sizes = []
    if {"S1", "S2"} & set(chosen):
        sizes.append(f"S1/S2 {shows:,} shows (next-day feed: {Changes.percent(shows)})")
        if "spark" in targets:
            sizes.append(f"on Spark {spark_shows:,} shows ({Changes.percent(spark_shows)})")
    if "S3" in chosen:
        sizes.append(f"S3 {', '.join(f'{s:,}' for s in scaling)} shows with {scaling_changes}")
    if uses_targets:
        sizes.append(f"baseline slice {args.baseline_rows:,} rows (or what it syncs in {args.baseline_budget:.0f} s)")
        sizes.append(f"dlt scd2 peer at most {args.peer_budget:.0f} s per load")
    if "S4" in chosen:
        sizes.append(f"S4 {tmdb_titles:,} titles")
    info.append(f"- Sizes: {'; '.join(sizes)}; started {started:%Y-%m-%d %H:%M} UTC")
    print("\n".join(info), flush=True)
    print(HEADER, flush=True)

    scratch = scratch_dir(args.scratch)
    ctx = Context(
        scratch=scratch,
        shows=shows,
        spark_shows=spark_shows,
        scaling_sizes=scaling,
        scaling_changes=scaling_changes,
        baseline_rows=args.baseline_rows,
        baseline_budget_seconds=args.baseline_budget,
        peer_budget_seconds=args.peer_budget,
        tmdb_titles=tmdb_titles,
    )
    lines: list[str] = []
    failed = False
    try:
        for name in chosen:
            scenario = scenarios[name]
            reason = scenario.available()
            runs_on = [t for t in targets if t in scenario.targets] if scenario.targets != ("-",) else ["-"]
            for target in runs_on:
                if reason:
                    rows = [Row(scenario=name, target=target, size="-", details=reason)]
                else:
                    t0 = time.perf_counter()
                    try:
                        rows = scenario.run(ctx, target)
                    except BenchError as exc:
                        failed = True
                        print(f"bench: {name} on {target} FAILED: {exc}", file=sys.stderr)
                        rows = [Row(scenario=name, target=target, size="-", details=f"FAILED: {exc}")]
                    except Exception as exc:  # noqa: BLE001 - report and go on with the other scenarios
                        failed = True
                        traceback.print_exc()
                        rows = [Row(scenario=name, target=target, size="-", details=f"ERROR: {exc}")]
                    ctx.log(f"{name} on {target} took {time.perf_counter() - t0:.0f} s")
                for row in rows:
                    line = format_row(row)
                    lines.append(line)
                    print(line, flush=True)
    finally:
        remove_scratch(scratch)

    args.results.mkdir(parents=True, exist_ok=True)
    # <date>[-<target>][-<scenarios, when not all>][-full].md: a partial run never overwrites a whole one
    label = (args.target if args.target != "all" else "+".join(targets)) if uses_targets else ""
    subset = "-".join(name.lower() for name in chosen) if set(chosen) != set(scenarios) else ""
    stem = "-".join(part for part in (f"{started:%Y-%m-%d}", label, subset, "full" if args.full else "") if part)
    path = args.results / f"{stem}.md"
    title = (
        f"# Marquee benchmarks, {started:%Y-%m-%d %H:%M} UTC, "
        f"{', '.join(part for part in (label, ','.join(chosen)) if part)}{' (FULL)' if args.full else ''}"
    )
    path.write_text("\n".join([title, "", *info, "", HEADER, *lines, ""]))
    print(f"\nResults written to {path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
