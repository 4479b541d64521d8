"""One run at a time per warehouse.

`marquee ingest`, `build` and `run` hold the warehouse lock for their whole
duration; a second one started meanwhile fails at once with a clear message
instead of interleaving. DuckDB: an exclusive `flock` on `<database>.lock`
beside the file (released by the OS if the process dies). PostgreSQL: a
session-level advisory lock on a dedicated connection (released when the
connection closes, so also when the process dies).
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from collections.abc import Iterator

from ingestion.errors import MarqueeError, first_line
from ingestion.settings import Target

# A stable 32-bit key for pg_try_advisory_lock (per database).
ADVISORY_LOCK_KEY = zlib.crc32(b"marquee-warehouse")


@contextlib.contextmanager
def warehouse_lock(target: Target) -> Iterator[None]:
    if target.name == "duckdb":
        path = target.duckdb_path.with_name(target.duckdb_path.name + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise MarqueeError(
                    f"another marquee run is using {target.describe()} (lock {path}); wait for it to finish"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return

    import psycopg2

    try:
        conn = psycopg2.connect(**target.pg_params, connect_timeout=10, application_name="marquee-lock")
    except psycopg2.OperationalError as exc:
        raise MarqueeError(f"cannot connect to {target.describe()}: {first_line(exc)}") from None
    try:
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("select pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        if not cur.fetchone()[0]:
            raise MarqueeError(f"another marquee run is using {target.describe()}; wait for it to finish")
        yield
    finally:
        conn.close()
