"""What every warehouse engine provides. Outside `marquee/engines/`, no code asks
which warehouse it is on: it asks the engine (in SQL, the same rule holds
through dbt's `adapter.dispatch`)."""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

from ingestion.errors import MarqueeError


class Engine(ABC):
    """One warehouse: how to reach it, lock it, land into it and run dbt on it."""

    name: ClassVar[str]  # the dbt target (profiles.yml.example) and `--target` value
    placeholder: ClassVar[str]  # the DB-API parameter marker of its driver
    loader_file_format: ClassVar[str]  # dlt's bulk path into it
    # the dbt selection a build without --select builds (None: every model); an engine that
    # builds part of the project names that part
    buildable: ClassVar[str | None] = None
    # can rows be deleted from its raw tables (pruning, erasure)? Not from plain parquet files
    deletes_rows: ClassVar[bool] = True

    @abstractmethod
    def describe(self) -> str:
        """A human label for messages (never includes a password)."""

    @abstractmethod
    def identity(self) -> str:
        """What tells two warehouses of this engine apart (a file, a server and database)."""

    @abstractmethod
    def dlt_destination(self) -> Any:
        """The dlt destination that lands into this warehouse."""

    def refuse_row_deletion(self, what: str) -> None:
        """One clear line when `what` (a prune, an erasure) needs deleting raw rows it cannot delete."""
        if not self.deletes_rows:
            raise MarqueeError(
                f"{what} is not available on {self.describe()} yet: its raw loads are parquet files, "
                "which this engine cannot delete rows from; nothing was changed"
            )

    def after_landing(self) -> None:
        """After dlt loaded into the warehouse: make what it wrote readable as the raw tables."""

    def exists(self) -> bool:
        """Has the warehouse been created yet (a server's database is made by its administrator)?"""
        return True

    @abstractmethod
    def open(self) -> Any:
        """A new DB-API connection; MarqueeError (one line) when the warehouse cannot be reached."""

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """A DB-API connection for the duration of the block."""
        conn = self.open()
        try:
            yield conn
        finally:
            conn.close()

    def statement_cursor(self, conn: Any) -> Any:
        """Where to execute the statements of one transaction."""
        return conn.cursor()

    def begin(self, conn: Any) -> Any:
        """Start a transaction on `conn`; the cursor its statements run on."""
        return conn.cursor()  # DB-API drivers begin implicitly

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """A cursor whose statements commit together when the block ends, or not at all."""
        with self.connect() as conn:
            cur = self.begin(conn)
            try:
                yield cur
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one query and return all rows."""
        with self.connect() as conn:
            cur = conn.cursor()
            cur.execute(sql, params)
            rows = cur.fetchall()
            cur.close()
            return rows

    def relation_exists(self, schema: str, name: str) -> bool:
        """Is there a table or view `schema.name`?"""
        marker = self.placeholder
        rows = self.query(
            f"select count(*) from information_schema.tables where table_schema = {marker} and table_name = {marker}",
            (schema, name),
        )
        return rows[0][0] > 0

    @abstractmethod
    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the warehouse lock (one writer at a time, see macros/publishing/warehouse_lock.sql);
        MarqueeError at once when another writer holds it."""

    @abstractmethod
    def scrub_free_space(self, tables: list[str]) -> None:
        """After an erasure (lock held): leave no byte of deleted rows where the engine could show it."""

    def dbt_environment(self) -> dict[str, str | None]:
        """The environment variables a dbt invocation from this process needs (the lock this
        process holds), None for one to unset. Environment, not dbt vars: dbt parses the whole
        project again whenever its vars change."""
        return {}

    def check_usable(self, write: bool) -> None:
        """Before a command uses the warehouse: one clear line if it cannot."""

    def before_dbt(self) -> None:
        """Prepare the process environment dbt reads (profiles.yml.example) for this warehouse."""

    def after_dbt(self) -> None:
        """Release what an in-process dbt run kept open."""
