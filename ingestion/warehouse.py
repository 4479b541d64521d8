"""Connections to the warehouse: the dlt destination for landing and a DB-API
connection for the small read-only queries behind summaries and status."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt

from ingestion.errors import MarqueeError, first_line
from ingestion.settings import Target


def dlt_destination(target: Target) -> Any:
    """The dlt destination object for a target, credentials built from the environment."""
    if target.name == "duckdb":
        target.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        return dlt.destinations.duckdb(credentials=str(target.duckdb_path))
    from dlt.destinations.impl.postgres.configuration import PostgresCredentials

    p = target.pg_params
    credentials = PostgresCredentials()
    credentials.host = str(p["host"])
    credentials.port = int(p["port"])
    credentials.username = str(p["user"])
    credentials.password = str(p["password"])  # may be empty (trust or peer auth)
    credentials.database = str(p["dbname"])
    credentials.resolve()
    return dlt.destinations.postgres(credentials=credentials)


def loader_file_format(target: Target) -> str:
    """The bulk path for each engine: parquet into DuckDB, csv (COPY) into PostgreSQL."""
    return "parquet" if target.name == "duckdb" else "csv"


def is_read_only(path: Path) -> bool:
    """A file nobody may write (by its mode: root could write it anyway, but must not)."""
    return path.exists() and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_usable(target: Target, write: bool) -> None:
    """Before a command uses the warehouse: one clear line if it cannot (see check_duckdb_file)."""
    if target.name == "duckdb":
        check_duckdb_file(target, write)


def check_duckdb_file(target: Target, write: bool) -> None:
    """One clear line, naming the file, when the DuckDB warehouse cannot be used
    (a directory, read-only for a command that writes, corrupt or truncated);
    nothing when it is usable or does not exist yet."""
    import duckdb

    path = target.duckdb_path
    if path.is_dir():
        raise MarqueeError(f"DuckDB file {path} is a directory, not a DuckDB file; set MARQUEE_DUCKDB_PATH to a file")
    if not path.exists():
        return
    if write and (is_read_only(path) or not os.access(path.parent, os.W_OK)):
        raise MarqueeError(f"DuckDB file {path} is read-only; this command writes to it")
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            return  # in use by another process: the warehouse lock (or the next step) says so
        raise unusable_duckdb_file(path, exc) from None


def unusable_duckdb_file(path: Path, exc: BaseException) -> MarqueeError:
    return MarqueeError(f"DuckDB file {path} is not a usable DuckDB database ({first_line(exc)})")




@contextlib.contextmanager
def connect(target: Target) -> Iterator[Any]:
    """A DB-API connection to the warehouse (read-only on a DuckDB file nobody may write)."""
    if target.name == "duckdb":
        import duckdb

        if not target.duckdb_path.exists():
            raise MarqueeError(f"no warehouse yet at {target.duckdb_path}: run `marquee run` first")
        if target.duckdb_path.is_dir():
            check_duckdb_file(target, write=False)
        try:
            conn = duckdb.connect(str(target.duckdb_path), read_only=is_read_only(target.duckdb_path))
        except duckdb.Error as exc:
            raise unusable_duckdb_file(target.duckdb_path, exc) from None
    else:
        import psycopg2

        try:
            conn = psycopg2.connect(**target.pg_params, connect_timeout=5)
        except psycopg2.OperationalError as exc:
            raise MarqueeError(f"cannot connect to {target.describe()}: {first_line(exc)}") from None
    try:
        yield conn
    finally:
        conn.close()


def statement_cursor(conn: Any, target: Target) -> Any:
    """Where to execute statements of one transaction: the connection itself on
    DuckDB (its cursor() is a separate connection with its own transaction)."""
    return conn if target.name == "duckdb" else conn.cursor()


def query(target: Target, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one query and return all rows."""
    with connect(target) as conn:
        cur = conn.cursor()
        cur.execute(sql, params)
        rows = cur.fetchall()
        cur.close()
        return rows


def placeholder(target: Target) -> str:
    """The DB-API parameter marker of the target's driver."""
    return "?" if target.name == "duckdb" else "%s"
