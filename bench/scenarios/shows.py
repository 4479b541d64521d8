"""S1 full load, S2 incremental, S3 scaling: the show pipeline against the old
per-row sync (baseline) and a bare load / bare merge (limit), in the same run.

One measurement (`measure`) does, for one target and one size:
- Marquee: `marquee ingest shows` + `marquee build` of the first feed into an
  empty warehouse (S1), then of the next-day feed into the same warehouse (S2),
  each as a child process (wall time, peak RSS); the reconcile counts of each
  build must equal the generator's truth exactly.
- Limit: the bare load of the first feed (S1); the bare load of the next feed
  plus the bare set-based merge into a master holding the first (S2).
- Baseline: the old algorithm on the first `baseline_rows` records of each
  feed (staging and master already holding the first feed's slice for S2),
  reported per row and extrapolated linearly to the feed's size.
- Peer: dlt's own scd2 merge (bench/peer.py) landing the first feed and then the
  next one into a fresh warehouse, each load a child process killed after
  `peer_budget_seconds`.
S1 and S2 share it (S2 reuses S1's warehouse); S3 repeats it per size.

On Spark (S1/S2 at `spark_shows`, reduced) only Marquee is measured: the limit's bare load and
merge, the per-row baseline and the dlt scd2 peer are written for a database connection (DuckDB,
PostgreSQL); dlt's filesystem destination has no scd2 merge, and a per-row sync against Spark is
not a design anyone would run. Their cells say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import baseline, limit
from bench.generate import Changes, FeedTruth
from bench.harness import (
    FIRST_AT,
    NEXT_AT,
    Context,
    PeerResult,
    Warehouse,
    check_counts,
    dbt_timings,
    fresh_warehouse,
    history_seconds,
)
from bench.scenarios import Row

GIB = 1024**3


@dataclass
class Run:
    """Marquee landing and building one feed."""

    ingest_s: float
    build_s: float
    peak_rss: int
    counts: dict[str, int]
    truth: FeedTruth
    timings: dict[str, float]

    @property
    def seconds(self) -> float:
        return self.ingest_s + self.build_s

    @property
    def models_s(self) -> float:
        return sum(v for k, v in self.timings.items() if k.startswith("model."))

    @property
    def tests_s(self) -> float:
        return sum(v for k, v in self.timings.items() if k.startswith("test."))

    def slowest(self, count: int = 4) -> str:
        nodes = sorted(((v, k) for k, v in self.timings.items() if k != "elapsed"), reverse=True)[:count]
        return ", ".join(f"{k.split('.')[-1]} {v:.1f} s" for v, k in nodes)

    def breakdown(self) -> str:
        return (
            f"ingest {self.ingest_s:.1f} s + build {self.build_s:.1f} s (dbt run {self.timings['elapsed']:.1f} s: "
            f"models {self.models_s:.1f} s, tests {self.tests_s:.1f} s)"
        )


@dataclass
class Measurement:
    target: str
    shows: int
    changes: Changes
    first: Run
    next: Run | None = None
    limit_first: limit.LimitResult | None = None
    limit_next: limit.LimitResult | None = None
    baseline_first: baseline.BaselineResult | None = None
    baseline_next: baseline.BaselineResult | None = None
    peer_first: PeerResult | None = None  # None: not run, or killed at the budget (peer_timed_out)
    peer_next: PeerResult | None = None
    peer_timed_out: str = ""  # "S1" or "S2" when that load passed the budget
    warehouse_bytes: int = 0
    schema_bytes: dict[str, int] = field(default_factory=dict)
    feed_bytes: dict[str, int] = field(default_factory=dict)


def _marquee(wh: Warehouse, feed: Path, fetched_at: str, truth: FeedTruth, what: str) -> Run:
    ingest = wh.ingest(feed, fetched_at)
    build = wh.build()
    timings = dbt_timings(wh.dbt_target_path)
    counts = wh.last_reconcile()
    check_counts(what, counts, truth)
    return Run(
        ingest_s=ingest.seconds,
        build_s=build.seconds,
        peak_rss=max(ingest.max_rss_bytes, build.max_rss_bytes),
        counts=counts,
        truth=truth,
        timings=timings,
    )


def measure(
    ctx: Context,
    target: str,
    shows: int,
    changes: Changes,
    incremental: bool = True,
    with_baseline: bool = True,
    with_peer: bool = True,
    with_limit: bool = True,
) -> Measurement:
    first_feed, first_truth = ctx.first_feed(shows)
    next_feed, next_truth = ctx.next_feed(shows, changes) if incremental else (None, None)
    with fresh_warehouse(target, ctx.scratch, ctx.in_process) as wh:
        ctx.log(f"{target} {shows:,}: marquee, first feed")
        first = _marquee(wh, first_feed, FIRST_AT, first_truth, f"S1 {target} {shows:,}")
        result = Measurement(target, shows, changes, first)
        if incremental:
            ctx.log(f"{target} {shows:,}: marquee, next-day feed")
            result.next = _marquee(wh, next_feed, NEXT_AT, next_truth, f"S2 {target} {shows:,}")
        result.warehouse_bytes = wh.size_bytes()
        result.schema_bytes = wh.schema_bytes()
    result.feed_bytes = {"first": first_feed.stat().st_size}
    if next_feed:
        result.feed_bytes["next"] = next_feed.stat().st_size

    if not with_limit:
        return result
    with fresh_warehouse(target, ctx.scratch) as bare:
        ctx.log(f"{target} {shows:,}: limit")
        conn = bare.connect()
        try:
            result.limit_first = limit.bare_load(conn, target, first_feed, "bare_first")
            if incremental:
                limit.create_master(conn, target)
                limit.merge(conn, target, "bare_first", FIRST_AT)  # setup, not timed
                result.limit_next = limit.bare_load(conn, target, next_feed, "bare_next")
                result.limit_next.merge_seconds = limit.merge(conn, target, "bare_next", NEXT_AT)
                result.limit_next.seconds += result.limit_next.merge_seconds
        finally:
            conn.close()

    if with_peer:
        with fresh_warehouse(target, ctx.scratch) as peer:
            ctx.log(f"{target} {shows:,}: dlt scd2 peer (at most {ctx.peer_budget_seconds:.0f} s per load)")
            result.peer_first = peer.peer(first_feed, FIRST_AT, ctx.peer_budget_seconds)
            if result.peer_first is None:
                result.peer_timed_out = "S1"
            elif incremental:
                result.peer_next = peer.peer(next_feed, NEXT_AT, ctx.peer_budget_seconds)
                result.peer_timed_out = "" if result.peer_next else "S2"

    if with_baseline:
        with fresh_warehouse(target, ctx.scratch) as old:
            ctx.log(f"{target} {shows:,}: baseline on {ctx.baseline_rows:,} rows")
            conn = old.connect()
            try:
                sync = baseline.OldSync(conn, target)
                sync.create_tables()
                result.baseline_first = baseline.run_old_sync(
                    sync, first_feed, ctx.baseline_rows, ctx.baseline_budget_seconds
                )
                if incremental:  # the same slice of the next feed, against the first's
                    result.baseline_next = baseline.run_old_sync(sync, next_feed, result.baseline_first.rows)
            finally:
                conn.close()
    return result


def _check(label: str, met: bool) -> tuple[str, bool]:
    return (label, met)


def _mib(value: int) -> str:
    return f"{value / 1024**2:,.0f} MiB"


def _shared(ctx: Context, target: str) -> Measurement:
    if target == "spark":
        shows = ctx.spark_shows
        key = f"shows:{target}:{shows}"
        if key not in ctx.shared:
            ctx.shared[key] = measure(ctx, target, shows, Changes.percent(shows),
                                      with_baseline=False, with_peer=False, with_limit=False)
        return ctx.shared[key]
    key = f"shows:{target}:{ctx.shows}"
    if key not in ctx.shared:
        ctx.shared[key] = measure(ctx, target, ctx.shows, Changes.percent(ctx.shows))
    return ctx.shared[key]


SPARK_ONLY_MARQUEE = (
    "limit, baseline and dlt scd2 peer: n/a on Spark (they run on a database connection; dlt's filesystem "
    "destination has no scd2 merge)"
)


def _spark_row(name: str, m: Measurement, run: Run, extra: str) -> Row:
    """S1 or S2 on Spark: Marquee's time, where it went, and the space the lake and tables take."""
    return Row(
        scenario=name,
        target="spark",
        size=f"{m.shows:,} shows",
        marquee_s=run.seconds,
        details=(
            f"{extra}{run.breakdown()}; slowest dbt nodes: {run.slowest()}; peak RSS {_mib(run.peak_rss)} "
            f"(the marquee process; Spark's JVM, a process of its own, is not counted); {SPARK_ONLY_MARQUEE}; "
            f"lake + tables after S2 {_mib(m.warehouse_bytes)} ({_space(m)})"
        ),
        checks=[("<= 3x limit", None), (">= 20x baseline", None), ("faster than dlt scd2", None)],
    )


def _peer(m: Measurement, which: str, marquee_s: float, budget: float) -> tuple[float | None, str, bool | None]:
    """(the peer's seconds, its details, whether Marquee was faster) for load `which` (S1 / S2)."""
    result = m.peer_first if which == "S1" else m.peer_next
    if result is None:
        if m.peer_timed_out in ("S1", which):
            return None, f"dlt scd2 peer: did not finish within {budget:.0f} s (killed)", True
        return None, "dlt scd2 peer: not run", None
    rows = f"{result.active:,} active, {result.retired:,} retired rows"
    return result.seconds, f"dlt scd2 peer {result.seconds:.1f} s ({rows})", marquee_s < result.seconds


def _space(m: Measurement) -> str:
    """Bytes per show after two feeds, and where they are (PostgreSQL: per schema)."""
    per_show = f"{m.warehouse_bytes / m.shows:,.0f} bytes per show"
    if not m.schema_bytes:
        return per_show
    schemas = ", ".join(f"{schema} {_mib(size)}" for schema, size in m.schema_bytes.items() if size >= 1024**2)
    return f"{per_show}: {schemas}" if schemas else per_show


def _baseline_details(result: baseline.BaselineResult, shows: int) -> str:
    return (
        f"baseline {result.seconds_per_row * 1000:.2f} ms/row measured on {result.rows:,} rows "
        f"(sync {result.sync_seconds:.1f} s, reconcile {result.reconcile_seconds:.1f} s), "
        f"x {shows:,} rows"
    )


class FullLoad:
    name = "S1"
    title = "full load into an empty warehouse"
    targets = ("duckdb", "postgres", "spark")

    def available(self) -> str | None:
        return None

    def run(self, ctx: Context, target: str) -> list[Row]:
        m = _shared(ctx, target)
        run = m.first
        if target == "spark":
            return [_spark_row(self.name, m, run, "")]
        lim = m.limit_first
        assert lim is not None and m.baseline_first is not None
        baseline_s = m.baseline_first.seconds_per_row * m.shows
        peer_s, peer_details, faster = _peer(m, "S1", run.seconds, ctx.peer_budget_seconds)
        row = Row(
            scenario=self.name,
            target=target,
            size=f"{m.shows:,} shows",
            marquee_s=run.seconds,
            limit_s=lim.seconds,
            baseline_s=baseline_s,
            peer_s=peer_s,
            details=(
                f"{run.breakdown()}; slowest dbt nodes: {run.slowest()}; peak RSS {_mib(run.peak_rss)}; "
                f"{peer_details}; "
                f"limit = parse {lim.parse_seconds:.1f} s + "
                f"load {lim.load_seconds:.1f} s; {_baseline_details(m.baseline_first, m.shows)}; "
                f"feed {_mib(m.feed_bytes['first'])}, warehouse after S2 {_mib(m.warehouse_bytes)} "
                f"({_space(m)})"
            ),
        )
        row.checks = [
            _check("<= 3x limit", run.seconds <= 3 * lim.seconds),
            _check(">= 20x baseline", baseline_s >= 20 * run.seconds),
            ("faster than dlt scd2", faster),
            _check("peak RSS < 1 GiB", run.peak_rss < 1 * GIB),
        ]
        return [row]


class Incremental:
    name = "S2"
    title = "incremental: 1% changed, 0.5% new, 0.5% withdrawn"
    targets = ("duckdb", "postgres", "spark")

    def available(self) -> str | None:
        return None

    def run(self, ctx: Context, target: str) -> list[Row]:
        m = _shared(ctx, target)
        run = m.next
        if target == "spark":
            assert run is not None
            counts = ", ".join(f"{k} {v:,}" for k, v in run.counts.items() if k != "records")
            extra = (f"{run.seconds / m.first.seconds:.0%} of S1; history (int_show_versions) "
                     f"{history_seconds(run.timings):.2f} s; reconcile log = truth: {counts}; ")
            return [_spark_row(self.name, m, run, extra)]
        lim = m.limit_next
        assert run is not None and lim is not None and m.baseline_next is not None
        baseline_s = m.baseline_next.seconds_per_row * m.shows
        history = history_seconds(run.timings)
        share = run.seconds / m.first.seconds
        counts = ", ".join(f"{k} {v:,}" for k, v in run.counts.items() if k != "records")
        peer_s, peer_details, faster = _peer(m, "S2", run.seconds, ctx.peer_budget_seconds)
        row = Row(
            scenario=self.name,
            target=target,
            size=f"{m.shows:,} shows",
            marquee_s=run.seconds,
            limit_s=lim.seconds,
            baseline_s=baseline_s,
            peer_s=peer_s,
            details=(
                f"{share:.0%} of S1; history (int_show_versions) {history:.2f} s; {run.breakdown()}; "
                f"{peer_details}; "
                f"slowest dbt nodes: {run.slowest()}; "
                f"reconcile log = truth: {counts}; limit = parse {lim.parse_seconds:.1f} s + "
                f"load {lim.load_seconds:.1f} s + merge {lim.merge_seconds:.1f} s; "
                f"{_baseline_details(m.baseline_next, m.shows)}"
            ),
        )
        row.checks = [
            _check("<= 3x limit", run.seconds <= 3 * lim.seconds),
            _check(">= 20x baseline", baseline_s >= 20 * run.seconds),
            ("faster than dlt scd2", faster),
            ("history <= 3 s (1% of 1M)", history <= 3.0 if m.shows >= 1_000_000 else None),
        ]
        return [row]


class Scaling:
    name = "S3"
    title = "scaling: S2 with the same changes at growing master sizes"
    targets = ("duckdb", "postgres")

    def available(self) -> str | None:
        return None

    def run(self, ctx: Context, target: str) -> list[Row]:
        rows: list[Row] = []
        points: list[tuple[int, float, float]] = []
        for shows in ctx.scaling_sizes:
            key = f"shows:{target}:{shows}"
            cached: Any = ctx.shared.get(key)
            if cached is not None and cached.changes == ctx.scaling_changes:
                m = cached
            else:
                m = measure(ctx, target, shows, ctx.scaling_changes, with_baseline=False, with_peer=False)
            ctx.drop_feeds(shows) if shows != ctx.shows else None
            run = m.next
            assert run is not None and m.limit_next is not None
            history = history_seconds(run.timings)
            points.append((shows, run.seconds, history))
            s2: Any = ctx.shared.get(f"shows:{target}:{ctx.shows}")
            per_row = s2.baseline_next.seconds_per_row if s2 is not None and s2.baseline_next else None
            rows.append(
                Row(
                    scenario=self.name,
                    target=target,
                    size=f"{shows:,} shows",
                    marquee_s=run.seconds,
                    limit_s=m.limit_next.seconds,
                    baseline_s=per_row * shows if per_row else None,
                    details=(
                        f"{ctx.scaling_changes.changed:,} changed / {ctx.scaling_changes.new:,} new / "
                        f"{ctx.scaling_changes.withdrawn:,} withdrawn; history {history:.2f} s; {run.breakdown()}; "
                        f"slowest dbt nodes: {run.slowest(3)}; "
                        "baseline: S2's measured per-row cost x size (the old sync is per row by construction)"
                    ),
                )
            )
        smallest, largest = points[0], points[-1]
        growth = largest[1] / smallest[1]
        history_growth = largest[2] / smallest[2] if smallest[2] else float("nan")
        curve = " -> ".join(f"{s:,}: {t:.1f} s" for s, t, _ in points)
        rows.append(
            Row(
                scenario=self.name,
                target=target,
                size="curve",
                details=(
                    f"{curve}; largest/smallest {growth:.2f}x (table {largest[0] / smallest[0]:.0f}x); "
                    f"history (int_show_versions) {history_growth:.2f}x"
                ),
                checks=[(f"{largest[0]:,} <= 2x {smallest[0]:,}", growth <= 2.0)],
            )
        )
        return rows
