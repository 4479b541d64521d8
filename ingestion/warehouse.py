"""Connections to the warehouse: the dlt destination for landing and a DB-API
connection for the small read-only queries behind summaries and status."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import dlt

from ingestion.errors import MarqueeError
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


@contextlib.contextmanager
def connect(target: Target) -> Iterator[Any]:
    """A DB-API connection to the warehouse."""
    if target.name == "duckdb":
        import duckdb

        if not target.duckdb_path.exists():
            raise MarqueeError(f"no warehouse yet at {target.duckdb_path}: run `marquee run` first")
        conn = duckdb.connect(str(target.duckdb_path))
    else:
        import psycopg2

        try:
            conn = psycopg2.connect(**target.pg_params, connect_timeout=5)
        except psycopg2.OperationalError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MarqueeError(f"cannot connect to {target.describe()}: {first_line}") from None
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
