"""What every scenario needs: a scratch directory, a fresh warehouse of either
target, the `marquee` CLI run as a child process (wall time and peak resident
memory), dbt's per-node timings and the reconcile log."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import FETCHED_AT, NEXT_FETCHED_AT, Changes, FeedTruth, write_feed, write_next_feed
from marquee.engines import engine_for

MARQUEE = str(Path(sys.executable).parent / "marquee")
COUNT_COLUMNS = ("inserted", "updated", "unchanged", "withdrawn", "rejected", "duplicates")


class BenchError(RuntimeError):
    """A benchmark could not run or produced a wrong result (fail loudly)."""


@dataclass
class Context:
    """One runner invocation: where scratch files go and the sizes to use."""

    scratch: Path
    shows: int  # S1/S2 size
    scaling_sizes: list[int]  # S3 sizes
    scaling_changes: Changes  # S3: the same changes at every size
    baseline_rows: int = 20_000
    baseline_budget_seconds: float = 120.0  # the slice shrinks when syncing it would take longer
    feeds: dict[tuple[str, int, Changes | None], tuple[Path, FeedTruth]] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)  # results scenarios pass on (S2 reuses S1)
    in_process: bool = False  # run the CLI in this process (the smoke test; no peak-memory figure)
    tmdb_titles: int = 200  # S4 size
    spark_shows: int = 20_000  # S1/S2 size on Spark (reduced: a JVM and a rewrite of the state per build)
    peer_budget_seconds: float = 120.0  # the dlt scd2 peer is killed after this long per load

    def first_feed(self, shows: int) -> tuple[Path, FeedTruth]:
        key = ("first", shows, None)
        if key not in self.feeds:
            path = self.scratch / f"feed_{shows}.json"
            self.log(f"generating a {shows:,}-show feed ...")
            self.feeds[key] = (path, write_feed(path, shows))
        return self.feeds[key]

    def next_feed(self, shows: int, changes: Changes | None = None) -> tuple[Path, FeedTruth]:
        changes = changes or Changes.percent(shows)
        key = ("next", shows, changes)
        if key not in self.feeds:
            path = self.scratch / f"feed_{shows}_next_{changes.changed}_{changes.new}_{changes.withdrawn}.json"
            self.log(f"generating the next-day feed of {shows:,} shows ({changes}) ...")
            self.feeds[key] = (path, write_next_feed(path, shows, changes))
        return self.feeds[key]

    def drop_feeds(self, shows: int) -> None:
        for key in [k for k in self.feeds if k[1] == shows]:
            path, _ = self.feeds.pop(key)
            path.unlink(missing_ok=True)

    def log(self, message: str) -> None:
        print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Step:
    """One timed child process."""

    seconds: float
    max_rss_bytes: int
    output: str


@dataclass
class PeerResult:
    """One load by the dlt scd2 peer: its wall time and its table's rows afterwards."""

    seconds: float
    records: int
    active: int
    retired: int


class Warehouse:
    """A fresh, empty warehouse: a DuckDB file in scratch, a new PostgreSQL database, or a
    Spark warehouse (lake, tables, catalog) in a scratch directory."""

    def __init__(self, target: str, scratch: Path, in_process: bool = False) -> None:
        self.target = target
        self.in_process = in_process
        self.name = f"marquee_bench_{uuid.uuid4().hex[:8]}"
        self.duckdb_path = scratch / f"{self.name}.duckdb"
        self.spark_dir = scratch / f"{self.name}-spark"
        # dbt's artifacts (run_results.json, partial parse) per warehouse: runs never read each other's
        self.dbt_target_path = scratch / f"{self.name}-dbt"
        self.overrides = {
            "MARQUEE_TARGET": target,
            "RUNTIME__LOG_LEVEL": "WARNING",
            "DBT_TARGET_PATH": str(self.dbt_target_path),
        }
        if target == "duckdb":
            self.overrides["MARQUEE_DUCKDB_PATH"] = str(self.duckdb_path)
        elif target == "spark":
            self.overrides["MARQUEE_SPARK_DIR"] = str(self.spark_dir)
        else:
            self.overrides["PGDATABASE"] = self.name
        self.env = {**os.environ, **self.overrides}

    def marquee(self, *args: str) -> Step:
        """Run `marquee ARGS --target T` as a child; its wall time and peak RSS."""
        if self.in_process:
            return self._marquee_in_process(*args)
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryDirectory() as peak_dir:
            peak = Path(peak_dir) / "peak"
            # through bench.peak: a child of this (large) process would report this process's peak RSS
            command = [sys.executable, "-m", "bench.peak", str(peak), MARQUEE, *args, "--target", self.target]
            code = subprocess.run(command, env=self.env, stdout=out, stderr=subprocess.STDOUT).returncode
            seconds = time.perf_counter() - started
            out.seek(0)
            output = out.read()
            max_rss_kib = int(peak.read_text()) if peak.exists() else 0
        if code != 0:
            raise BenchError(f"marquee {' '.join(args)} failed ({code}):\n{output[-3000:]}")
        return Step(seconds=seconds, max_rss_bytes=max_rss_kib * 1024, output=output)

    def _marquee_in_process(self, *args: str) -> Step:
        import io
        import resource

        from marquee.cli import main

        saved = {name: os.environ.get(name) for name in self.overrides}
        os.environ.update(self.overrides)
        out = io.StringIO()
        started = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                code = main([*args, "--target", self.target])
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        seconds = time.perf_counter() - started
        if code != 0:
            raise BenchError(f"marquee {' '.join(args)} failed ({code}):\n{out.getvalue()[-3000:]}")
        return Step(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, out.getvalue())

    def peer(self, feed: Path, fetched_at: str, budget_seconds: float) -> PeerResult | None:
        """Land `feed` with dlt's scd2 merge (bench/peer.py) in a child; None when it did not
        finish within `budget_seconds` (it is killed)."""
        command = [sys.executable, "-m", "bench.peer", "--target", self.target, "--feed", str(feed),
                   "--fetched-at", fetched_at, "--pipelines-dir", str(self.dbt_target_path / "peer-pipelines")]
        env = {**self.env, "RUNTIME__LOG_LEVEL": "ERROR"}
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=budget_seconds)
        except subprocess.TimeoutExpired:
            return None
        if done.returncode != 0:
            raise BenchError(f"the dlt scd2 peer failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return PeerResult(**json.loads(done.stdout.strip().splitlines()[-1]))

    def ingest(self, feed: Path, fetched_at: str) -> Step:
        return self.marquee("ingest", "shows", "--source", str(feed), "--fetched-at", fetched_at)

    def build(self) -> Step:
        return self.marquee("build")

    def connect(self) -> Any:
        if self.target == "duckdb":
            import duckdb

            return duckdb.connect(str(self.duckdb_path))
        import psycopg2

        return psycopg2.connect(**{**engine_for("postgres").params, "dbname": self.name})

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.target == "spark":  # in a child: see bench/spark_query.py
            done = subprocess.run([sys.executable, "-m", "bench.spark_query", sql], env=self.env,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise BenchError(f"query on Spark failed:\n{done.stderr[-3000:]}")
            return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]
        conn = self.connect()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return cur.fetchall()
        finally:
            conn.close()

    def last_reconcile(self) -> dict[str, int]:
        columns = ", ".join(COUNT_COLUMNS)
        rows = self.query(
            f"select records_count, {columns} from marts.show_reconcile_log order by reconciled_at desc, "
            "last_load_id desc limit 1"
        )
        if not rows:
            raise BenchError("marts.show_reconcile_log is empty after the build")
        return dict(zip(("records", *COUNT_COLUMNS), (int(v) for v in rows[0]), strict=True))

    def size_bytes(self) -> int:
        if self.target == "spark":  # the lake's and the tables' files (not the catalog)
            return sum(path.stat().st_size for folder in ("lake", "spark")
                       for path in (self.spark_dir / folder).rglob("*") if path.is_file())
        if self.target == "duckdb":
            wal = self.duckdb_path.with_suffix(".duckdb.wal")
            return self.duckdb_path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return int(self.query(f"select pg_database_size('{self.name}')")[0][0])

    def schema_bytes(self) -> dict[str, int]:
        """Bytes per schema, largest first (PostgreSQL: tables with their indexes and TOAST;
        DuckDB keeps one file, so {}; Spark: the lake and each schema's folder)."""
        if self.target == "spark":
            folders = [self.spark_dir / "lake", *sorted((self.spark_dir / "spark").glob("*.db"))]
            sizes = {folder.name.removesuffix(".db"): sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
                     for folder in folders if folder.is_dir()}
            return dict(sorted(sizes.items(), key=lambda item: -item[1]))
        if self.target == "duckdb":
            return {}
        rows = self.query(
            "select n.nspname, sum(pg_total_relation_size(c.oid)) from pg_class as c "
            "join pg_namespace as n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema') "
            "group by 1 order by 2 desc"
        )
        return {schema: int(size) for schema, size in rows}

    def create(self) -> None:
        if self.target == "postgres":
            with admin_connection() as admin:
                admin.cursor().execute(f'create database "{self.name}"')

    def drop(self) -> None:
        shutil.rmtree(self.dbt_target_path, ignore_errors=True)
        if self.target == "spark":
            shutil.rmtree(self.spark_dir, ignore_errors=True)
        elif self.target == "duckdb":
            for path in (self.duckdb_path, self.duckdb_path.with_suffix(".duckdb.wal")):
                path.unlink(missing_ok=True)
        else:
            with admin_connection() as admin:
                admin.cursor().execute(f'drop database if exists "{self.name}" with (force)')


@contextlib.contextmanager
def admin_connection() -> Iterator[Any]:
    import psycopg2

    conn = psycopg2.connect(**{**engine_for("postgres").params, "dbname": "postgres"}, connect_timeout=5)
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def fresh_warehouse(target: str, scratch: Path, in_process: bool = False) -> Iterator[Warehouse]:
    warehouse = Warehouse(target, scratch, in_process)
    warehouse.create()
    try:
        yield warehouse
    finally:
        warehouse.drop()


def dbt_timings(target_path: Path) -> dict[str, float]:
    """Seconds per node of the last dbt invocation (its run_results.json), and its total ("elapsed")."""
    data = json.loads((target_path / "run_results.json").read_text())
    timings = {result["unique_id"]: float(result["execution_time"]) for result in data["results"]}
    timings["elapsed"] = float(data.get("elapsed_time") or 0.0)
    return timings


def history_seconds(timings: dict[str, float]) -> float:
    return timings.get("model.marquee.int_show_versions", float("nan"))


def check_counts(what: str, measured: dict[str, int], truth: FeedTruth) -> None:
    expected = truth.as_dict()
    wrong = {k: (measured[k], expected[k]) for k in measured if measured[k] != expected[k]}
    if wrong:
        details = ", ".join(f"{k}: got {got:,}, truth {want:,}" for k, (got, want) in wrong.items())
        raise BenchError(f"{what}: reconcile counts differ from the generator's truth ({details})")


def iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


FIRST_AT = iso(FETCHED_AT)
NEXT_AT = iso(NEXT_FETCHED_AT)


def pg_available() -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    try:
        with admin_connection():
            return None
    except Exception as exc:  # noqa: BLE001 - any reason is reported as is
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def scratch_dir(root: str | None) -> Path:
    path = Path(tempfile.mkdtemp(prefix="marquee-bench-", dir=root))
    return path


def remove_scratch(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
