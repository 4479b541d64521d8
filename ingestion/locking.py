"""One writer per warehouse, whoever runs: `marquee` or `dbt build` directly.

`marquee ingest`, `build` and `run` hold the warehouse lock for their whole
duration; a second writer started meanwhile fails at once with a clear
message instead of interleaving.

- DuckDB: an exclusive `flock` on `<database>.lock` beside the file (released
  by the OS if the process dies). A `dbt` process takes the same flock through
  the dbt-duckdb plugin `ingestion.duckdb_plugin` before it opens the file,
  and holds it until it exits; in a process that already holds it (marquee
  running dbt in-process) the plugin does nothing.
- PostgreSQL: a session-level advisory lock on a dedicated connection
  (released when the connection closes, so also when the process dies). dbt
  closes its connections between nodes, so `dbt build` run directly holds a
  lease row in `ops.warehouse_lock` instead (macros/publishing/warehouse_lock.sql).
  Each side marks itself first, then looks for the other: two writers may both
  refuse, never both proceed. When marquee runs dbt, it passes its lock
  connection's backend pid (var `marquee_lock_pid`), which dbt checks.
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ingestion.errors import MarqueeError, first_line
from ingestion.settings import Target

# A stable 32-bit key for pg_try_advisory_lock (per database); macro warehouse_lock_key() repeats it.
ADVISORY_LOCK_KEY = zlib.crc32(b"marquee-warehouse")

# Lock files this process holds -> their open handles (the flock lives as long as the handle).
_HELD: dict[Path, IO[str]] = {}
# dbt vars that tell a dbt run started by this process that it holds the lock.
_DBT_VARS: dict[str, str] = {}


def dbt_lock_vars() -> dict[str, str]:
    """The vars a dbt invocation needs to recognise the lock this process holds."""
    return dict(_DBT_VARS)


def duckdb_lock_file(database: Path) -> Path:
    database = database.resolve()
    return database.with_name(database.name + ".lock")


def _flock(path: Path, who: str) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise MarqueeError(f"another marquee or dbt run is using {who} (lock {path}); wait for it to finish") from None
    return handle


def hold_duckdb_lock_for_process(database: Path) -> None:
    """Take the DuckDB warehouse's flock until this process ends, unless it already holds it."""
    path = duckdb_lock_file(database)
    if path not in _HELD:
        _HELD[path] = _flock(path, f"DuckDB file {database}")


@contextlib.contextmanager
def warehouse_lock(target: Target) -> Iterator[None]:
    if target.name == "duckdb":
        path = duckdb_lock_file(target.duckdb_path)
        if path in _HELD:  # held for the whole process (see hold_duckdb_lock_for_process)
            yield
            return
        _HELD[path] = handle = _flock(path, target.describe())
        try:
            yield
        finally:
            del _HELD[path]
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
        return

    import psycopg2

    try:
        conn = psycopg2.connect(**target.pg_params, connect_timeout=10, application_name="marquee-lock")
    except psycopg2.OperationalError as exc:
        raise MarqueeError(f"cannot connect to {target.describe()}: {first_line(exc)}") from None
    try:
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("select pg_try_advisory_lock(%s), pg_backend_pid()", (ADVISORY_LOCK_KEY,))
        locked, pid = cur.fetchone()
        if not locked:
            raise MarqueeError(f"another marquee or dbt run is using {target.describe()}; wait for it to finish")
        lease = None
        if _lease_table_exists(cur):
            cur.execute(
                "select holder, acquired_at from ops.warehouse_lock "
                "where lock_name = 'warehouse' and expires_at > now() at time zone 'UTC'"
            )
            lease = cur.fetchone()
        if lease:
            raise MarqueeError(
                f"a dbt run (invocation {lease[0]}) has held {target.describe()} since {lease[1]:%Y-%m-%d %H:%M:%S} UTC; "
                "wait for it to finish, or if it was killed, release it with: "
                "dbt run-operation release_warehouse_lock --args '{force: true}'"
            )
        _DBT_VARS["marquee_lock_pid"] = str(pid)
        try:
            yield
        finally:
            _DBT_VARS.pop("marquee_lock_pid", None)
    finally:
        conn.close()


def _lease_table_exists(cur: object) -> bool:
    cur.execute("select to_regclass('ops.warehouse_lock') is not null")  # type: ignore[attr-defined]
    return bool(cur.fetchone()[0])  # type: ignore[attr-defined]
