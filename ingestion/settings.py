"""Where things are and how the two warehouse targets are reached.

Everything here comes from environment variables with defaults that work on a
fresh clone: `MARQUEE_DUCKDB_PATH` for the embedded DuckDB file (shared by dlt
and dbt) and the standard libpq variables `PGHOST`, `PGPORT`, `PGUSER`,
`PGPASSWORD`, `PGDATABASE` for PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = PROJECT_DIR / "data" / "sample"
DEFAULT_DUCKDB_PATH = "warehouse/marquee.duckdb"
RAW_SCHEMA = "raw"


def raw_tables() -> dict[str, tuple[str, ...]]:
    """Each dlt source (its schema name in raw._dlt_loads) and the raw tables its loads write."""
    from ingestion.app.settings import APP_TABLES

    return {
        "shows": ("shows",),
        "tmdb": ("tmdb_titles", "tmdb_fetch_log"),
        "app": tuple(table.raw_table for table in APP_TABLES),
    }

TargetName = Literal["duckdb", "postgres"]
TARGETS: tuple[TargetName, ...] = ("duckdb", "postgres")


@dataclass(frozen=True)
class Target:
    """One warehouse: the DuckDB file or a PostgreSQL database."""

    name: TargetName

    @property
    def duckdb_path(self) -> Path:
        path = Path(os.environ.get("MARQUEE_DUCKDB_PATH", DEFAULT_DUCKDB_PATH))
        return path if path.is_absolute() else PROJECT_DIR / path

    @property
    def pg_params(self) -> dict[str, str | int]:
        return {
            "host": os.environ.get("PGHOST", "127.0.0.1"),
            "port": int(os.environ.get("PGPORT", "5432")),
            "user": os.environ.get("PGUSER", "postgres"),
            "password": os.environ.get("PGPASSWORD", ""),
            "dbname": os.environ.get("PGDATABASE", "postgres"),
        }

    def describe(self) -> str:
        """A human label for messages (never includes a password)."""
        if self.name == "duckdb":
            return f"DuckDB file {self.duckdb_path}"
        p = self.pg_params
        return f"PostgreSQL {p['user']}@{p['host']}:{p['port']}/{p['dbname']}"


def resolve_target(name: str | None) -> Target:
    chosen = name or os.environ.get("MARQUEE_TARGET", "duckdb")
    if chosen not in TARGETS:
        from ingestion.errors import MarqueeError

        raise MarqueeError(f"unknown target {chosen!r}: choose one of {', '.join(TARGETS)}")
    return Target(chosen)  # type: ignore[arg-type]
