"""`marquee status` and `marquee freshness`: what an operator needs at a glance.

Status: the last load of each source (time, rows, load id), the last
reconcile's counts, source freshness, and the published marts version.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ingestion.errors import MarqueeError
from marquee.engines import Engine
from marquee.landing import raw_tables
from marquee.summary import counts_text


def _rows(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a query, or none when a relation does not exist yet."""
    cur = conn.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    except Exception:  # noqa: BLE001 - a missing relation means "nothing yet"
        with contextlib.suppress(Exception):  # (a read-only DuckDB connection has no transaction to end)
            conn.rollback()
        return []
    finally:
        cur.close()


@dataclass(frozen=True)
class Publication:
    """What one build published (ops.publications, written by macro publish_marts)."""

    version: str
    views: int
    carried_over: int
    stale: dict[str, str]  # domain -> since when its marts are as published then


def publication(target: Engine, invocation_id: str | None) -> Publication | None:
    """The publication a dbt invocation made, if it made one."""
    marker = target.placeholder
    with target.connect() as conn:
        rows = _rows(
            conn,
            f"select version, views, coalesce(carried_over, 0) from ops.publications where invocation_id = {marker}",
            (invocation_id,),
        )
        if not rows:
            return None
        version, views, carried_over = rows[0]
        stale = _rows(
            conn, f"select domain, last_good_at from ops.stale_domains where version = {marker}", (version,)
        )
    return Publication(version, int(views), int(carried_over), {domain: _since(at) for domain, at in stale})


def _since(last_good: datetime | None) -> str:
    return f"{last_good:%Y-%m-%d %H:%M:%S} UTC" if last_good else "never published"


def print_status(target: Engine) -> None:
    marker = target.placeholder
    with target.connect() as conn:
        cur = conn
        print(f"Warehouse: {target.describe()}")
        print("Last loads:")
        for source, tables in raw_tables().items():
            loads = _rows(
                cur,
                "select load_id, inserted_at from raw._dlt_loads where schema_name = "
                f"{marker} and status = 0 order by load_id desc limit 1",
                (source,),
            )
            if not loads:
                print(f"  {source:<8} never loaded")
                continue
            load_id, inserted_at = loads[0]
            rows = sum(
                (_rows(cur, f"select count(*) from raw.{table} where _dlt_load_id = {marker}", (load_id,)) or [(0,)])[0][0]
                for table in tables
            )
            print(f"  {source:<8} {inserted_at:%Y-%m-%d %H:%M:%S} UTC  {rows:>10,} rows  load {load_id}")
        last = _rows(
            cur,
            "select reconciled_at, loads_count, inserted, updated, unchanged, withdrawn, rejected, duplicates "
            "from marts.show_reconcile_log order by reconciled_at desc limit 1",
        )
        if last:
            at, loads, *counts = last[0]
            print(f"Last reconcile: {at:%Y-%m-%d %H:%M:%S} UTC, {loads} load(s): {counts_text(*counts)}")
        else:
            print("Last reconcile: none yet")
        coverage = dict(_rows(cur, "select processed_status, count(*) from marts.media_links group by processed_status"))
        # a success is stale when the work list (var tmdb_refresh_days) wants it fetched again
        stale = _rows(
            cur,
            "select count(*) from marts.media_links links join intermediate.int_tmdb_work_list work "
            "on work.work_item_id = links.work_item_id where links.processed_status = 'SUCCESS'",
        )
        if coverage:
            print(
                f"TMDB coverage: {coverage.get('SUCCESS', 0):,} fetched, {coverage.get('NOT_FOUND', 0):,} not found, "
                f"{coverage.get('FAILED', 0):,} failed, {coverage.get('PENDING', 0):,} pending, "
                f"{(stale[0][0] if stale else 0):,} stale (fetched before the refresh window)"
            )
        else:
            print("TMDB coverage: nothing fetched yet")
        deletions = _rows(
            cur,
            "select source_table, rows_deleted, rows_deleted_with_parent from marts.app_deletions "
            "where rows_deleted + rows_deleted_with_parent > 0 order by source_table",
        )
        if deletions:
            print("App deletions (deleted in the app / left with a deleted parent):")
            for table, deleted, with_parent in deletions:
                print(f"  {table:<20} {deleted:>8,} deleted {with_parent:>8,} with their parent")
        else:
            print("App deletions: none seen")
        published = _rows(cur, "select version, published_at, views from ops.publications order by published_at desc limit 1")
        if published:
            version, at, views = published[0]
            print(f"Published marts: version {version} at {at:%Y-%m-%d %H:%M:%S} UTC ({views} views)")
            stale = _rows(
                cur,
                f"select domain, last_good_at from ops.stale_domains where version = {marker} order by domain",
                (version,),
            )
            for domain, last_good in stale:
                print(f"  STALE: the {domain} marts are as last published at {_since(last_good)} (their build failed since)")
        else:
            print("Published marts: none yet")
    print_freshness(target, fail=False)


def print_freshness(target: Engine, fail: bool = True) -> None:
    """Run `dbt source freshness` and print one line per source table."""
    from marquee.dbt import run_dbt, target_dir

    error: MarqueeError | None = None
    try:
        run_dbt(["source", "freshness"], target, quiet=True, silent=True)
    except MarqueeError as exc:
        error = exc
    path = target_dir() / "sources.json"
    if not path.exists():
        if error:
            raise error
        return
    results = json.loads(path.read_text())["results"]
    print("Freshness:")
    now = datetime.now(timezone.utc)
    stale = []
    for result in sorted(results, key=lambda r: r["unique_id"]):
        name = ".".join(result["unique_id"].split(".")[-2:])
        status = result.get("status", "error")
        loaded = result.get("max_loaded_at")
        age = ""
        if loaded:
            moment = datetime.fromisoformat(loaded.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
            hours = (now - moment).total_seconds() / 3600
            when = f"{hours:,.1f} h ago" if hours >= 0 else "in the future: check the fetch times"
            age = f"last loaded {moment:%Y-%m-%d %H:%M} UTC ({when})"
        print(f"  {name:<28} {status:<6} {age}")
        if status in ("error", "runtime error"):
            stale.append(name)
    # dbt leaves out of sources.json a source whose table it could not read (never landed)
    manifest = json.loads((target_dir() / "manifest.json").read_text())
    reported = {result["unique_id"] for result in results}
    def checked(source: dict) -> bool:  # a table whose freshness is configured (dlt's load log is not)
        freshness = source.get("freshness") or {}
        return any((freshness.get(level) or {}).get("count") for level in ("warn_after", "error_after"))

    expected = {unique_id for unique_id, source in manifest["sources"].items() if checked(source)}
    for unique_id in sorted(expected - reported):
        print(f"  {'.'.join(unique_id.split('.')[-2:]):<28} {'none':<6} never landed (or unreadable)")
    if fail and stale:
        raise MarqueeError(f"stale sources: {', '.join(stale)}")
