"""The embedded DuckDB warehouse: one file shared by dlt and dbt.

The lock is an exclusive `flock` on `<database>.lock` beside the file
(marquee/engines/filelock.py). `marquee` holds it
for a whole command; a `dbt` process takes the same flock through the
dbt-duckdb plugin `marquee.engines.duckdb_plugin` before it opens the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

from ingestion.errors import MarqueeError, first_line
from marquee.engines.base import Engine
from marquee.engines.filelock import HELD, hold_file_lock, release, take
from ingestion.settings import PROJECT_DIR

DEFAULT_PATH = "warehouse/marquee.duckdb"

# The lock files the dbt plugin took (released after the dbt run that needed them).
_TAKEN_FOR_DBT: set[Path] = set()


class DuckDBEngine(Engine):
    name = "duckdb"
    placeholder = "?"
    loader_file_format = "parquet"  # the bulk path into DuckDB

    @property
    def path(self) -> Path:
        """The DuckDB file (MARQUEE_DUCKDB_PATH, relative to the repo)."""
        path = Path(os.environ.get("MARQUEE_DUCKDB_PATH", DEFAULT_PATH))
        return path if path.is_absolute() else PROJECT_DIR / path

    def describe(self) -> str:
        return f"DuckDB file {self.path}"

    def identity(self) -> str:
        return str(self.path)

    def dlt_destination(self) -> Any:
        import dlt

        self.path.parent.mkdir(parents=True, exist_ok=True)
        return dlt.destinations.duckdb(credentials=str(self.path))

    def exists(self) -> bool:
        return self.path.exists()

    def open(self) -> Any:
        """A connection (read-only on a file nobody may write)."""
        import duckdb

        if not self.path.exists():
            raise MarqueeError(f"no warehouse yet at {self.path}: run `marquee run` first")
        if self.path.is_dir():
            self.check_usable(write=False)
        try:
            return duckdb.connect(str(self.path), read_only=_is_read_only(self.path))
        except duckdb.Error as exc:
            raise _unusable(self.path, exc) from None

    def scrub_free_space(self, tables: list[str]) -> None:
        """Rewrite the file: a DELETE frees blocks without wiping them, so the deleted rows' bytes
        would stay in the file until reused. COPY FROM DATABASE writes every live object into a
        fresh file, which then replaces the old one (the caller holds the warehouse lock)."""
        import duckdb

        path = self.path
        fresh = path.with_name(path.name + ".rewrite")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        # the source keeps its catalog name (the file's stem): views name their relations through it
        conn = duckdb.connect()
        try:
            conn.execute(f"attach '{path}' as \"{path.stem}\"")
            conn.execute(f"attach '{fresh}' as marquee_rewrite")
            conn.execute(f"copy from database \"{path.stem}\" to marquee_rewrite")
            conn.execute("detach marquee_rewrite")
            conn.execute(f"detach \"{path.stem}\"")
        finally:
            conn.close()
        os.replace(fresh, path)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)

    def statement_cursor(self, conn: Any) -> Any:
        # a DuckDB cursor() is a separate connection with its own transaction
        return conn

    def begin(self, conn: Any) -> Any:
        conn.begin()  # DuckDB connections autocommit until told otherwise
        return conn

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return hold_file_lock(lock_file(self.path), self.describe())

    def check_usable(self, write: bool) -> None:
        """One clear line, naming the file, when it cannot be used (a directory, read-only for
        a command that writes, corrupt or truncated); nothing when usable or not there yet."""
        import duckdb

        path = self.path
        if path.is_dir():
            raise MarqueeError(f"DuckDB file {path} is a directory, not a DuckDB file; set MARQUEE_DUCKDB_PATH to a file")
        if not path.exists():
            return
        if write and (_is_read_only(path) or not os.access(path.parent, os.W_OK)):
            raise MarqueeError(f"DuckDB file {path} is read-only; this command writes to it")
        try:
            duckdb.connect(str(path), read_only=True).close()
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                return  # in use by another process: the warehouse lock (or the next step) says so
            raise _unusable(path, exc) from None

    def before_dbt(self) -> None:
        # dbt reads the same variable: an absolute path, so that dbt and dlt open the very same file
        os.environ["MARQUEE_DUCKDB_PATH"] = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def after_dbt(self) -> None:
        """Close the database dbt-duckdb keeps open in this process (so its file lock is released
        for other processes and this one's own connections), and the flock dbt took, if any."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            if DuckDBConnectionManager._ENV is not None:
                DuckDBConnectionManager._ENV.close()
                DuckDBConnectionManager._ENV = None
        for path in list(_TAKEN_FOR_DBT):
            _TAKEN_FOR_DBT.discard(path)
            release(path)


def lock_file(database: Path) -> Path:
    database = database.resolve()
    return database.with_name(database.name + ".lock")


def hold_lock_for_dbt(database: Path) -> None:
    """Take the warehouse's flock for a dbt run in this process, unless the process holds it:
    until `after_dbt` (marquee's in-process runs) or the end of the process (the dbt CLI)."""
    path = lock_file(database)
    if path not in HELD:
        take(path, f"DuckDB file {database}")
        _TAKEN_FOR_DBT.add(path)


def _is_read_only(path: Path) -> bool:
    """A file nobody may write (by its mode: root could write it anyway, but must not)."""
    return path.exists() and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _unusable(path: Path, exc: BaseException) -> MarqueeError:
    return MarqueeError(f"DuckDB file {path} is not a usable DuckDB database ({first_line(exc)})")
