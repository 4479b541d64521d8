"""One engine per warehouse type; everything that differs between them lives in its module.

    engine_for("duckdb")    the embedded DuckDB file (default)
    engine_for("postgres")  a PostgreSQL database
    engine_for("spark")     a Spark warehouse over a parquet lake (builds the shows domain so far)

Each name is one engine object per process (it carries the lock it holds).
"""

from __future__ import annotations

import os

from ingestion.errors import MarqueeError
from marquee.engines.base import Engine
from marquee.engines.duckdb import DuckDBEngine
from marquee.engines.postgres import PostgresEngine
from marquee.engines.spark import SparkEngine

_ENGINES: dict[str, Engine] = {engine.name: engine for engine in (DuckDBEngine(), PostgresEngine(), SparkEngine())}
ENGINE_NAMES: tuple[str, ...] = tuple(_ENGINES)

__all__ = ["ENGINE_NAMES", "DuckDBEngine", "Engine", "PostgresEngine", "SparkEngine", "engine_for", "resolve_engine"]


def engine_for(name: str) -> Engine:
    try:
        return _ENGINES[name]
    except KeyError:
        raise MarqueeError(f"unknown target {name!r}: choose one of {', '.join(ENGINE_NAMES)}") from None


def resolve_engine(name: str | None) -> Engine:
    """The engine of `--target`, else of $MARQUEE_TARGET, else DuckDB."""
    return engine_for(name or os.environ.get("MARQUEE_TARGET", "duckdb"))
