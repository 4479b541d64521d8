"""Shared fixtures: a fresh warehouse per test on each target, and a CLI runner.

The `warehouse` fixture is parametrised over both targets. DuckDB gets a new
file in a temporary directory; PostgreSQL gets a new database (created here
and dropped afterwards), so tests never depend on leftovers. When PostgreSQL
is unreachable its tests are skipped with the reason, except in CI
(`CI=true`), where they fail: CI must exercise both engines.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingestion.settings import PROJECT_DIR, Target
from ingestion.warehouse import query

# Each pytest process (each xdist worker) gets its own dbt artifacts and log, so
# parallel builds never read one another's manifest or run results.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["DBT_TARGET_PATH"] = str(PROJECT_DIR / "target" / f"pytest-{_WORKER}")
os.environ["DBT_LOG_PATH"] = str(PROJECT_DIR / "logs" / f"pytest-{_WORKER}")


def _pg_params() -> dict[str, Any]:
    return Target("postgres").pg_params


def _pg_unavailable_reason() -> str | None:
    import psycopg2

    params = {**_pg_params(), "dbname": "postgres"}
    try:
        psycopg2.connect(**params, connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"PostgreSQL is not reachable at {params['host']}:{params['port']} as {params['user']} ({first})"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> dict[str, Any]:
    reason = _pg_unavailable_reason()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason}; CI requires PostgreSQL", pytrace=False)
        pytest.skip(f"{reason}; start it (pg_ctlcluster 15 main start) or set PGHOST/PGPORT/PGUSER")
    return _pg_params()


@contextlib.contextmanager
def fresh_postgres_database(server: dict[str, Any]) -> Iterator[str]:
    """Create a uniquely named database and drop it afterwards."""
    import psycopg2

    name = f"marquee_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(**{**server, "dbname": "postgres"})
    admin.autocommit = True
    admin.cursor().execute(f'create database "{name}"')
    try:
        yield name
    finally:
        admin.cursor().execute(f'drop database if exists "{name}" with (force)')
        admin.close()


@dataclass
class Warehouse:
    """A fresh warehouse of one target, with helpers to drive and inspect it."""

    target: Target

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.target.name == "postgres":
            statement = statement.replace("?", "%s")
        return query(self.target, statement, params)

    def scalar(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        return self.sql(statement, params)[0][0]

    def marquee(self, *args: str) -> CliResult:
        return run_cli(*args, "--target", self.target.name)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run the `marquee` CLI in-process and capture what it prints."""
    from ingestion.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _fresh_warehouse(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Warehouse]:
    if kind == "duckdb":
        monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
        yield Warehouse(Target("duckdb"))
        return
    server = request.getfixturevalue("postgres_server")
    with fresh_postgres_database(server) as name:
        monkeypatch.setenv("PGDATABASE", name)
        yield Warehouse(Target("postgres"))


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Warehouse]:
    """A fresh warehouse, once on each target."""
    with _fresh_warehouse(request.param, request, tmp_path, monkeypatch) as fresh:
        yield fresh


@pytest.fixture
def duckdb_warehouse(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Warehouse]:
    """A fresh DuckDB warehouse, for what does not depend on the engine."""
    with _fresh_warehouse("duckdb", request, tmp_path, monkeypatch) as fresh:
        yield fresh


@pytest.fixture
def postgres_warehouse(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Warehouse]:
    """A fresh PostgreSQL database, for what only PostgreSQL has (roles, concurrent readers)."""
    with _fresh_warehouse("postgres", request, tmp_path, monkeypatch) as fresh:
        yield fresh


def write_feed(path: Path, records: list[Any]) -> str:
    """Write a feed document in the chain's shape and return its path."""
    path.write_text(json.dumps({"data": {"allShows": records}}, ensure_ascii=False))
    return str(path)
