"""Shared fixtures: a fresh warehouse per test on each target, and a CLI runner.

The `warehouse` fixture is parametrised over both targets. DuckDB gets a new
file in a temporary directory; PostgreSQL gets a new database (created here
and dropped afterwards), so tests never depend on leftovers. When PostgreSQL
is unreachable its tests are skipped with the reason, except in CI
(`CI=true`), where they fail: CI must exercise both engines.

Builds dominate the suite's time, so two fixtures avoid repeating identical ones:
- `warehouse_templates`: a state several tests start from (say, feed A landed
  and built) is built once per worker and target, then copied into each test's
  own fresh warehouse (a file copy on DuckDB, `create database ... template` on
  PostgreSQL); the tests still own and change their copy.
- `sample_run`: `marquee run` on a fresh warehouse, once per target, for the
  tests that only read what it produced (one test class: see below).

Scheduling on the xdist workers (`-n 2 --dist load`): the tests of a class are
one unit of work, sent to one worker (so a class can share expensive state),
and the units run longest first (the durations of the last run, kept in
pytest's cache; without them, tests that build a warehouse before the others),
so both workers finish at about the same time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingestion.settings import PROJECT_DIR
from marquee.engines import Engine, SparkEngine, engine_for

# Each pytest process (each xdist worker) gets its own dbt artifacts and log, so
# parallel builds never read one another's manifest or run results.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["DBT_TARGET_PATH"] = str(PROJECT_DIR / "target" / f"pytest-{_WORKER}")
os.environ["DBT_LOG_PATH"] = str(PROJECT_DIR / "logs" / f"pytest-{_WORKER}")
# dbt.log at info, not debug: every statement dbt runs, logged, costs about 4% of a build
os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")
# Every raw load is kept unless a test asks for pruning (tests/test_app_lifecycle.py covers the
# default of 3): the other tests count and back-fill loads.
os.environ["MARQUEE_KEEP_LOADS"] = "0"
# The environment before any test changed it: shared warehouses are built in it.
_SESSION_ENVIRONMENT = dict(os.environ)


# ---- scheduling -----------------------------------------------------------------

DURATIONS_KEY = "marquee/durations"
# Fixtures whose tests land and build a warehouse: long, when no duration is known yet.
BUILDING_FIXTURES = {"warehouse", "duckdb_warehouse", "postgres_warehouse", "sample_run", "sample_runs"}


def _unit(nodeid: str) -> str:
    """The unit of work of a test: its class if it has one, else the test itself."""
    parts = nodeid.split("[", 1)[0].split("::")
    return "::".join(parts[:-1]) if len(parts) > 2 else nodeid


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist, tests run in one process
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ClassUnitScheduling(LoadScopeScheduling):
        """Like `load` (one test at a time, in collection order), except that the tests of a class go together."""

        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return ClassUnitScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest units first, keeping pytest's order inside a unit and between equals.

    Every worker collects the same order (the cache is only written at the end of a run)."""
    known: dict[str, float] = config.cache.get(DURATIONS_KEY, {}) if config.cache else {}
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(_unit(item.nodeid), []).append(item)

    def expected(unit: list[pytest.Item]) -> float:
        guess = lambda item: 60.0 if BUILDING_FIXTURES & set(item.fixturenames) else 1.0  # noqa: E731
        return sum(known.get(item.nodeid, guess(item)) for item in unit)

    items[:] = [item for unit in sorted(units.values(), key=expected, reverse=True) for item in unit]


_durations: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput") or not config.cache or not _durations:
        return  # the controller (or a run without xdist) records them, from every worker's reports
    config.cache.set(DURATIONS_KEY, {**config.cache.get(DURATIONS_KEY, {}), **_durations})


def _pg_params() -> dict[str, Any]:
    return engine_for("postgres").params


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


def fresh_spark_warehouse(request: pytest.FixtureRequest) -> SparkEngine:
    """The Spark warehouse of this test process, emptied: a Spark session is bound to one
    warehouse for the life of its JVM, so each worker keeps one and drops everything in it
    (every schema, the lake's files) for each test instead of starting a JVM per test."""
    directory = request.getfixturevalue("spark_directory")
    os.environ["MARQUEE_SPARK_DIR"] = str(directory)
    engine = engine_for("spark")
    assert isinstance(engine, SparkEngine)
    session = engine.session()
    for row in session.sql("show databases").collect():
        if row[0] != "default":
            session.sql(f"drop database `{row[0]}` cascade")
    shutil.rmtree(engine.lake, ignore_errors=True)
    session.catalog.clearCache()
    return engine


@pytest.fixture(scope="session")
def spark_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This process's Spark warehouse (set for the whole session: see fresh_spark_warehouse)."""
    return tmp_path_factory.mktemp("spark")


@dataclass
class Warehouse:
    """A fresh warehouse of one target, with helpers to drive and inspect it."""

    target: Engine

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.target.name == "postgres":
            statement = statement.replace("?", "%s")
        return self.target.query(statement, params)

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
    from marquee.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def session_environment() -> Iterator[pytest.MonkeyPatch]:
    """The environment as the session started, whatever the current test set (restored afterwards)."""
    with pytest.MonkeyPatch.context() as env:
        for name in set(os.environ) - set(_SESSION_ENVIRONMENT):
            env.delenv(name)
        for name, value in _SESSION_ENVIRONMENT.items():
            if os.environ.get(name) != value:
                env.setenv(name, value)
        yield env


@contextlib.contextmanager
def _fresh_warehouse(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Warehouse]:
    if kind == "duckdb":
        # the file is always named warehouse.duckdb: dbt names the database after it, and
        # the relations it creates are qualified with that name (templates are copied here)
        monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
        yield Warehouse(engine_for("duckdb"))
        return
    if kind == "spark":
        yield Warehouse(fresh_spark_warehouse(request))
        return
    server = request.getfixturevalue("postgres_server")
    with fresh_postgres_database(server) as name:
        monkeypatch.setenv("PGDATABASE", name)
        yield Warehouse(engine_for("postgres"))


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


class WarehouseTemplates:
    """Warehouse states built once per worker and target, copied into tests' fresh warehouses.

    `restore(warehouse, name, setup)` makes the test's (still empty) warehouse a
    copy of the state `setup(warehouse, directory)` produces, and returns what
    setup returned (say, the build's output, for the test to assert on). The
    first call per name and target runs setup on a warehouse of its own, in the
    environment the session started with (the calling test's settings do not leak
    into it); later calls only copy.
    """

    def __init__(self, request: pytest.FixtureRequest, directory: Path) -> None:
        self._request = request
        self._directory = directory
        self._built: dict[tuple[str, str], tuple[str, Any]] = {}
        self._databases: list[str] = []
        self._server: dict[str, Any] | None = None

    def restore(self, warehouse: Warehouse, name: str, setup: Callable[[Warehouse, Path], Any]) -> Any:
        kind = warehouse.target.name
        if kind == "spark":  # one Spark warehouse per process (fresh_spark_warehouse): built in place
            directory = self._directory / f"{name}-spark-{uuid.uuid4().hex[:8]}"
            directory.mkdir(parents=True)
            return setup(warehouse, directory)
        if (name, kind) not in self._built:
            self._built[name, kind] = self._build(kind, name, setup)
        location, value = self._built[name, kind]
        if kind == "duckdb":
            destination = warehouse.target.path
            assert not destination.exists(), "a template is restored into a fresh warehouse only"
            destination.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", ".wal"):
                if Path(location + suffix).exists():
                    shutil.copyfile(location + suffix, str(destination) + suffix)
        else:
            self._copy_postgres_database(location, str(warehouse.target.params["dbname"]))
        return value

    def value(self, kind: str, name: str, setup: Callable[[Warehouse, Path], Any]) -> Any:
        """What `setup` returned on the template's own warehouse (built once), without copying it."""
        if (name, kind) not in self._built:
            self._built[name, kind] = self._build(kind, name, setup)
        return self._built[name, kind][1]

    def _build(self, kind: str, name: str, setup: Callable[[Warehouse, Path], Any]) -> tuple[str, Any]:
        directory = self._directory / f"{name}-{kind}"
        directory.mkdir(parents=True)
        with session_environment() as env:  # not the calling test's settings (say, its throwaway analyst role)
            if kind == "duckdb":
                location = str(directory / "warehouse.duckdb")
                env.setenv("MARQUEE_DUCKDB_PATH", location)
            else:
                location = f"marquee_template_{uuid.uuid4().hex[:10]}"
                self._admin(f'create database "{location}"')
                self._databases.append(location)
                env.setenv("PGDATABASE", location)
            value = setup(Warehouse(engine_for(kind)), directory)  # type: ignore[arg-type]
        return location, value

    def _admin(self, *statements: str) -> None:
        import psycopg2

        if self._server is None:
            self._server = self._request.getfixturevalue("postgres_server")
        admin = psycopg2.connect(**{**self._server, "dbname": "postgres"})
        admin.autocommit = True
        try:
            for statement in statements:
                admin.cursor().execute(statement)
        finally:
            admin.close()

    def _copy_postgres_database(self, template: str, name: str) -> None:
        # the test's database is new and empty: replace it by a copy of the template (no
        # session may be open on a template while it is copied)
        self._admin(
            f"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{template}' "
            "and pid <> pg_backend_pid()",
            f'drop database "{name}" with (force)',
            f'create database "{name}" template "{template}"',
        )

    def close(self) -> None:
        for name in self._databases:
            self._admin(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def warehouse_templates(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WarehouseTemplates]:
    templates = WarehouseTemplates(request, tmp_path_factory.mktemp("templates"))
    yield templates
    templates.close()


@dataclass
class SampleRun:
    """`marquee run` (the bundled samples) on a warehouse of its own, and what it left behind."""

    kind: str
    env: dict[str, str]  # where the warehouse is: MARQUEE_DUCKDB_PATH or PGDATABASE
    result: CliResult
    artifacts: Path  # copies of the dbt artifacts the run ended with (manifest.json, catalog.json)


class SampleRuns:
    """`marquee run` on a fresh warehouse, once per target, for the tests that only read its results.

    Those tests are one class (tests/test_sample_run.py), so one worker runs them
    and the run happens once. It runs without MARQUEE_PII_KEY: the sample needs
    none (it uses the demo key).
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._runs: dict[str, SampleRun] = {}
        self._databases = contextlib.ExitStack()

    def get(self, kind: str, request: pytest.FixtureRequest) -> SampleRun:
        if kind not in self._runs:
            self._runs[kind] = self._run(kind, request)
        return self._runs[kind]

    def _run(self, kind: str, request: pytest.FixtureRequest) -> SampleRun:
        from marquee.dbt import target_dir

        directory = self._directory / kind
        directory.mkdir()
        with session_environment() as env:
            env.delenv("MARQUEE_PII_KEY", raising=False)
            if kind == "duckdb":
                location, variable = str(directory / "warehouse.duckdb"), "MARQUEE_DUCKDB_PATH"
            else:
                server = request.getfixturevalue("postgres_server")
                location, variable = self._databases.enter_context(fresh_postgres_database(server)), "PGDATABASE"
            env.setenv(variable, location)
            result = run_cli("run", "--target", kind)
            artifacts = directory / "artifacts"
            artifacts.mkdir()
            for name in ("manifest.json", "catalog.json"):
                if (target_dir() / name).exists():
                    shutil.copyfile(target_dir() / name, artifacts / name)
        return SampleRun(kind, {variable: location}, result, artifacts)

    def close(self) -> None:
        self._databases.close()


@pytest.fixture(scope="session")
def sample_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleRuns]:
    runs = SampleRuns(tmp_path_factory.mktemp("sample-runs"))
    yield runs
    runs.close()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def sample_run(request: pytest.FixtureRequest, sample_runs: SampleRuns) -> SampleRun:
    """`marquee run` on a fresh warehouse, once on each target (shared: see SampleRuns)."""
    return sample_runs.get(request.param, request)


@pytest.fixture
def sample_warehouse(sample_run: SampleRun, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """The warehouse `marquee run` built (shared: tests must only read it)."""
    for variable, value in sample_run.env.items():
        monkeypatch.setenv(variable, value)
    return Warehouse(engine_for(sample_run.kind))  # type: ignore[arg-type]


def write_feed(path: Path, records: list[Any]) -> str:
    """Write a feed document in the chain's shape and return its path."""
    path.write_text(json.dumps({"data": {"allShows": records}}, ensure_ascii=False))
    return str(path)
