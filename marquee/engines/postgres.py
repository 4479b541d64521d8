"""PostgreSQL, for real deployments: reached through the standard libpq variables
`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE` (as dbt's profile is).

The lock: `marquee` holds a session-level advisory lock on a dedicated
connection (released when the connection closes, so also when the process
dies). dbt closes its connections between nodes, so a `dbt` run holds a lease
row in `ops.warehouse_lock` instead (macros/publishing/warehouse_lock.sql).
Each side marks itself first, then looks for the other: two writers may both
refuse, never both proceed. When marquee runs dbt it passes its lock
connection's backend pid (environment variable MARQUEE_LOCK_PID), which dbt checks.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterator
from typing import Any

from ingestion.errors import MarqueeError, first_line
from marquee.engines.base import Engine

# The lock's connection, for dbt to check (macros/publishing/warehouse_lock.sql, marquee_lock_pid()).
LOCK_PID_VARIABLE = "MARQUEE_LOCK_PID"
# A stable 32-bit key for pg_try_advisory_lock (per database); macro warehouse_lock_key() repeats it.
ADVISORY_LOCK_KEY = zlib.crc32(b"marquee-warehouse")


class PostgresEngine(Engine):
    name = "postgres"
    placeholder = "%s"
    loader_file_format = "csv"  # COPY, the bulk path into PostgreSQL

    def __init__(self) -> None:
        self._lock_pid: int | None = None

    @property
    def params(self) -> dict[str, str | int]:
        return {
            "host": os.environ.get("PGHOST", "127.0.0.1"),
            "port": int(os.environ.get("PGPORT", "5432")),
            "user": os.environ.get("PGUSER", "postgres"),
            "password": os.environ.get("PGPASSWORD", ""),
            "dbname": os.environ.get("PGDATABASE", "postgres"),
        }

    def describe(self) -> str:
        p = self.params
        return f"PostgreSQL {p['user']}@{p['host']}:{p['port']}/{p['dbname']}"

    def identity(self) -> str:
        return self.describe()

    def dlt_destination(self) -> Any:
        import dlt
        from dlt.destinations.impl.postgres.configuration import PostgresCredentials

        p = self.params
        credentials = PostgresCredentials()
        credentials.host = str(p["host"])
        credentials.port = int(p["port"])
        credentials.username = str(p["user"])
        credentials.password = str(p["password"])  # may be empty (trust or peer auth)
        credentials.database = str(p["dbname"])
        credentials.resolve()
        return dlt.destinations.postgres(credentials=credentials)

    def open(self, timeout: int = 5, application_name: str = "marquee") -> Any:
        import psycopg2

        try:
            return psycopg2.connect(**self.params, connect_timeout=timeout, application_name=application_name)
        except psycopg2.OperationalError as exc:
            raise MarqueeError(f"cannot connect to {self.describe()}: {first_line(exc)}", transient=True) from None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        conn = self.open(timeout=10, application_name="marquee-lock")
        try:
            conn.autocommit = True
            cur = conn.cursor()
            cur.execute("select pg_try_advisory_lock(%s), pg_backend_pid()", (ADVISORY_LOCK_KEY,))
            locked, pid = cur.fetchone()
            if not locked:
                raise MarqueeError(
                    f"another marquee or dbt run is using {self.describe()}; wait for it to finish", transient=True
                )
            lease = None
            cur.execute("select to_regclass('ops.warehouse_lock') is not null")
            if cur.fetchone()[0]:
                cur.execute(
                    "select holder, acquired_at from ops.warehouse_lock "
                    "where lock_name = 'warehouse' and expires_at > now() at time zone 'UTC'"
                )
                lease = cur.fetchone()
            if lease:
                raise MarqueeError(
                    f"a dbt run (invocation {lease[0]}) has held {self.describe()} since "
                    f"{lease[1]:%Y-%m-%d %H:%M:%S} UTC; wait for it to finish, or if it was killed, release it with: "
                    "dbt run-operation release_warehouse_lock --args '{force: true}'",
                    transient=True,
                )
            self._lock_pid = pid
            try:
                yield
            finally:
                self._lock_pid = None
                # released before the connection goes: closing alone ends the session asynchronously, so
                # the next command, started at once, could still find the old session holding the lock
                with contextlib.suppress(Exception):
                    cur.execute("select pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        finally:
            conn.close()

    def scrub_free_space(self, tables: list[str]) -> None:
        """VACUUM the tables rows were deleted from: their dead tuples are removed, so no query,
        snapshot or role sees them again (their bytes stay in free space until reused; the WAL and
        backups keep them as long as they are retained: see README, Lifecycle)."""
        conn = self.open()
        try:
            conn.autocommit = True  # VACUUM runs outside a transaction
            cur = conn.cursor()
            for table in dict.fromkeys(tables):
                cur.execute(f"vacuum {table}")
            cur.close()
        finally:
            conn.close()

    def dbt_environment(self) -> dict[str, str | None]:
        return {LOCK_PID_VARIABLE: str(self._lock_pid) if self._lock_pid is not None else None}
