"""Apache Spark, when one machine is not enough: dlt lands parquet into a lake folder
(its `filesystem` destination: locally `warehouse/lake/`, in production object storage)
and dbt builds with dbt-spark on a Spark session in this process (`method: session`;
a Thrift server or Databricks in production, see profiles.yml.example).

Layout under `MARQUEE_SPARK_DIR` (default `warehouse/`, relative to the repo):
    lake/raw/<table>/<load id>.<file id>.parquet   what dlt landed, one file set per load
    spark/                                          the tables dbt builds (spark.sql.warehouse.dir)
    spark-metastore/                                the catalog (an embedded Derby database)
    spark.lock                                      the warehouse lock

The raw tables are external tables over the lake's folders, declared again after every
landing and before every dbt command (`expose_lake`), so that a column a later load added
is seen (parquet schemas are merged).

The lock is an exclusive `flock` on `spark.lock`, held by `marquee` for a whole command
(marquee/engines/filelock.py, as DuckDB's). A `dbt` process run directly cannot take it, but the embedded
metastore admits one process at a time: a second Spark process on the same warehouse fails
to open the catalog, so two writers cannot both proceed locally either.

Spark has no transactions: `begin`, `commit` and `rollback` do nothing, and each statement
takes effect on its own (see macros/publishing/ for what a reader may see during a publish).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from ingestion.errors import MarqueeError, first_line
from ingestion.settings import PROJECT_DIR
from marquee.engines.base import Engine
from marquee.engines.filelock import hold_file_lock

DEFAULT_DIR = "warehouse"
RAW_SCHEMA = "raw"
# dlt's own tables in the lake are JSON lines; their columns as dbt reads them (_dlt__sources.yml)
_DLT_JSON_TABLES = {
    "_dlt_loads": "load_id string, schema_name string, status bigint, inserted_at timestamp, schema_version_hash string",
}
_DLT_SKIPPED = ("_dlt_pipeline_state", "_dlt_version", "init")
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")


class SparkEngine(Engine):
    name = "spark"
    placeholder = "?"  # Spark SQL's positional parameter marker (spark.sql(sql, args=[...]))
    loader_file_format = "parquet"
    # raw is the lake's parquet files: pruning and erasure would delete or rewrite files per
    # load, not built yet (issue 15's notes); both refuse with one line
    deletes_rows = False

    @property
    def root(self) -> Path:
        path = Path(os.environ.get("MARQUEE_SPARK_DIR", DEFAULT_DIR))
        return (path if path.is_absolute() else PROJECT_DIR / path).resolve()

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    def describe(self) -> str:
        return f"Spark warehouse {self.root}"

    def identity(self) -> str:
        return f"spark:{self.root}"

    def settings(self) -> dict[str, str]:
        """The session's settings; the profile's spark output repeats them from the environment
        that `before_dbt` sets, for a `dbt` command run directly."""
        root = self.root
        return {
            "spark.master": os.environ.get("MARQUEE_SPARK_MASTER", "local[2]"),
            "spark.sql.warehouse.dir": str(root / "spark"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={root / 'spark-metastore'};create=true",
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={root} -Dlog4j.configurationFile={LOG_CONFIG}",
            "spark.sql.session.timeZone": "UTC",
            # small builds: one task per core, not Spark's 200 shuffle partitions
            "spark.sql.shuffle.partitions": os.environ.get("MARQUEE_SPARK_SHUFFLE_PARTITIONS", "2"),
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.ansi.enabled": "false",  # as dbt-spark sets it
        }

    def session(self) -> Any:
        """This process's Spark session (one per process: Spark's settings above are fixed
        once its JVM started, so a process works on one Spark warehouse)."""
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            wanted = self.settings()["spark.sql.warehouse.dir"]
            if active.conf.get("spark.sql.warehouse.dir").removeprefix("file:") != wanted:
                raise MarqueeError(
                    f"this process's Spark session works on {active.conf.get('spark.sql.warehouse.dir')}, "
                    f"not {wanted}: one Spark warehouse per process"
                )
            return active
        self.root.mkdir(parents=True, exist_ok=True)
        # local mode talks to itself: the loopback interface, whatever the host's name resolves to
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = SparkSession.builder.appName("marquee").enableHiveSupport()
        for key, value in self.settings().items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # the JVM or the metastore cannot start
            raise MarqueeError(f"cannot start Spark on {self.root}: {first_line(exc)}") from None
        session.sparkContext.setLogLevel("ERROR")
        atexit.register(_stop, session)
        # pyspark logs every failed query with its JVM stack at level ERROR: the caller reports it
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        self.expose_lake(session)
        return session

    def dlt_destination(self) -> Any:
        import dlt

        self.lake.mkdir(parents=True, exist_ok=True)
        return dlt.destinations.filesystem(bucket_url=str(self.lake))

    def after_landing(self) -> None:
        self.expose_lake(self.session())

    def expose_lake(self, session: Any) -> None:
        """Declare every folder of lake/raw as table raw.<folder> (external: dropping the table
        leaves the files), afresh so that the schema read is the merge of every load's files."""
        folder = self.lake / RAW_SCHEMA
        session.sql(f"create schema if not exists {RAW_SCHEMA}")
        if not folder.is_dir():
            return
        for table in sorted(path for path in folder.iterdir() if path.is_dir()):
            name = table.name
            if name in _DLT_SKIPPED or not any(table.iterdir()):
                continue
            session.sql(f"drop table if exists {RAW_SCHEMA}.`{name}`")
            location = str(table).replace("'", "\\'")
            if name in _DLT_JSON_TABLES:
                session.sql(
                    f"create table {RAW_SCHEMA}.`{name}` ({_DLT_JSON_TABLES[name]}) using json location '{location}'"
                )
            else:
                session.sql(
                    f"create table {RAW_SCHEMA}.`{name}` using parquet options (mergeSchema 'true') location '{location}'"
                )

    def exists(self) -> bool:
        return (self.root / "spark-metastore").exists()

    def open(self) -> Any:
        if not self.exists():
            raise MarqueeError(f"no warehouse yet at {self.root}: run `marquee run --target spark` first")
        return _Connection(self.session())

    def relation_exists(self, schema: str, name: str) -> bool:
        return bool(self.session().catalog.tableExists(f"{schema}.{name}"))

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return hold_file_lock(self.root / "spark.lock", self.describe())

    def scrub_free_space(self, tables: list[str]) -> None:
        """Nothing lingers: Spark rewrites a table's files on every change (no free space)."""

    def before_dbt(self) -> None:
        for key, value in self.settings().items():
            os.environ["MARQUEE_SPARK_" + key.upper().replace(".", "_")] = value
        self.session()  # dbt-spark's session (getOrCreate) is this one


def _stop(session: Any) -> None:
    """At exit: the session, then py4j's gateway, whose threads would otherwise outlive the
    modules they reference (nanobind then reports DuckDB's objects, from a `dbt ls` on the
    `selection` target, as leaked)."""
    import gc

    from pyspark import SparkContext

    session.stop()
    if SparkContext._gateway is not None:
        SparkContext._gateway.shutdown()
    gc.collect()


class _Connection:
    """The DB-API subset marquee uses, over the Spark session (no transactions)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def cursor(self) -> _Cursor:
        return _Cursor(self._session)

    def begin(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Cursor:
    def __init__(self, session: Any) -> None:
        self._session = session
        self._rows: list[tuple[Any, ...]] = []
        self.description: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> None:
        from pyspark.errors import PySparkException

        try:
            frame = self._session.sql(sql, args=list(params) or None)
            self._rows = [tuple(row) for row in frame.collect()]
        except PySparkException as exc:
            raise MarqueeError(f"Spark: {first_line(exc)}") from None
        self.description = [(field.name, field.dataType.simpleString(), None, None, None, None, field.nullable)
                            for field in frame.schema.fields]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def close(self) -> None:
        self._rows = []
