"""`dbt build` run directly (with the README's profile) is as safe as `marquee build`:
it takes the same warehouse lock, builds, tests and publishes the same way."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marquee.dbt import profiles_dir
from ingestion.settings import PROJECT_DIR
from tests.conftest import Warehouse, WarehouseTemplates
from tests.test_publish import published, start_cli, version_schemas, wait_for_line
from tests.test_shows_pipeline import B_AT, FEED_B, land, start_from_feed_a

DBT = str(Path(sys.executable).with_name("dbt"))


def dbt_env(w: Warehouse) -> dict[str, str]:
    return {**os.environ, "MARQUEE_TARGET": w.target.name, "DBT_PROFILES_DIR": str(profiles_dir()),
            "PYTHONUNBUFFERED": "1"}  # fmt: skip


def dbt(w: Warehouse, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Plain dbt, as an analytics engineer runs it in CI: its own process, no marquee around it."""
    return subprocess.run([DBT, *args], cwd=PROJECT_DIR, env=dbt_env(w), capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def start_dbt(w: Warehouse, *args: str) -> subprocess.Popen:
    return subprocess.Popen([DBT, *args], cwd=PROJECT_DIR, env=dbt_env(w), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip


def publications(w: Warehouse) -> int:
    return w.scalar("select count(*) from ops.publications")


@pytest.mark.postgres
def test_plain_dbt_build_publishes_exactly_as_marquee_build(
    postgres_warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    # one engine: the publish is the same hook that every `marquee build` of test_publish.py runs on
    # both; what is new here is dbt's own process, profile and lock (the lease, on PostgreSQL)
    warehouse = postgres_warehouse
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built by marquee
    before = published(warehouse)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)

    result = dbt(warehouse, "build")
    assert result.returncode == 0, result.stdout[-3000:]
    after = published(warehouse)
    assert after[0] != before[0] and f"marquee: published 22 marts (version {after[0]})" in result.stdout
    assert after[1] == (7, 5, 9, 2)  # feed B reconciled, tested and published: as `marquee build` does
    assert version_schemas(warehouse) == [f"marts_v{after[0]}"]
    assert warehouse.scalar("select invocation_id from ops.publications where version = ?", (after[0],))
    # the master and its history are published together: every current version is in the history
    assert warehouse.scalar(
        "select count(*) from marts.master_shows m left join marts.show_history h "
        "on h.show_id = m.show_id and h.valid_to is null where h.show_id is null"
    ) == 0


def test_plain_dbt_run_and_test_publish_nothing(
    duckdb_warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    # what publishes depends on the command, not the engine: one engine suffices
    warehouse = duckdb_warehouse
    start_from_feed_a(warehouse, warehouse_templates)
    before = published(warehouse)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    run = dbt(warehouse, "run")
    assert run.returncode == 0, run.stdout[-3000:]
    assert published(warehouse) == before  # untested: analysts still see feed A
    assert version_schemas(warehouse) == [f"marts_v{before[0]}"]  # the run's version is dropped
    test = dbt(warehouse, "test", "--select", "marts.shows")
    assert test.returncode == 0, test.stdout[-3000:]  # `dbt test` tests what analysts read: schema marts
    assert published(warehouse) == before and publications(warehouse) == 1
    # (the next build publishes the state the run advanced: test_publish.py shows it for a failed build)


def test_plain_dbt_and_marquee_refuse_to_write_while_the_other_builds(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    start_from_feed_a(warehouse, warehouse_templates)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)

    # a plain dbt build while marquee builds: refused at once, builds nothing
    process = start_cli(warehouse, "build")
    wait_for_line(process, "Building the marts")
    second = dbt(warehouse, "build", timeout=60)
    assert second.returncode != 0
    assert "another marquee or dbt run is using" in second.stdout
    assert process.wait(timeout=300) == 0
    assert publications(warehouse) == 2  # feed A's and marquee's: the refused dbt build published nothing

    # marquee (build or ingest) while a plain dbt build holds the lock: refused at once
    process = start_dbt(warehouse, "build", "--select", "stg_shows__shows")  # a short build will do
    wait_for_line(process, "START hook: marquee.on-run-start.1")  # the lock is taken (on-run-start.0)
    refused = warehouse.marquee("build")
    held = "a dbt run (invocation" if warehouse.target.name == "postgres" else "another marquee or dbt run is using"
    assert refused.code == 1 and refused.err.strip().startswith(f"marquee: error: {held}"), refused.err
    ingest = warehouse.marquee("ingest", "shows", "--source", str(tmp_path / "b.json"), "--fetched-at", B_AT)
    assert ingest.code == 1  # landing waits for the build too
    assert process.wait(timeout=300) == 0
    assert publications(warehouse) == 3 and published(warehouse)[1] == (7, 5, 9, 2)  # the partial dbt build
    assert warehouse.scalar("select count(distinct _dlt_load_id) from raw.shows") == 2  # carried the rest over


@pytest.mark.postgres
def test_a_killed_plain_dbt_build_holds_the_lease_until_released(
    postgres_warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    # PostgreSQL only: on DuckDB the OS releases a killed process's flock at once
    warehouse = postgres_warehouse
    start_from_feed_a(warehouse, warehouse_templates)
    before = published(warehouse)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    process = start_dbt(warehouse, "build")
    wait_for_line(process, "START hook: marquee.on-run-start.1")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert published(warehouse) == before  # killed before its publish: marts as they were

    refused = dbt(warehouse, "build", timeout=120)
    assert refused.returncode != 0 and "release_warehouse_lock" in refused.stdout
    assert "marquee: error: a dbt run (invocation" in warehouse.marquee("build").err
    released = dbt(warehouse, "run-operation", "release_warehouse_lock", "--args", "{force: true}")
    assert released.returncode == 0, released.stdout[-2000:]
    result = dbt(warehouse, "build", "--select", "stg_shows__shows")  # builds (and publishes) again
    assert result.returncode == 0, result.stdout[-3000:]
    assert publications(warehouse) == 2
    assert warehouse.scalar("select count(*) from ops.warehouse_lock") == 0  # released at the end of the run


@pytest.mark.postgres
def test_a_plain_dbt_build_whose_publish_fails_leaves_no_lease(
    postgres_warehouse: Warehouse, warehouse_templates: WarehouseTemplates
) -> None:
    """A publish that raises makes dbt skip the hook that releases the lease; the hooks' session
    holds the warehouse instead of the lease by then, and its lock ends with the process."""
    warehouse = postgres_warehouse
    start_from_feed_a(warehouse, warehouse_templates)
    before = published(warehouse)
    with warehouse.target.transaction() as cur:  # a database error in the middle of the publish
        cur.execute("alter table ops.publications add constraint refuse_all check (false) not valid")
    failed = dbt(warehouse, "build", "--select", "stg_shows__shows", timeout=120)
    assert failed.returncode != 0 and "refuse_all" in failed.stdout, failed.stdout[-3000:]
    assert published(warehouse) == before  # the switch was rolled back
    assert warehouse.scalar("select count(*) from ops.warehouse_lock") == 0  # no lease left to expire
    holders = "select count(*) from pg_locks where locktype = 'advisory' and objid = 1620564350"
    deadline = time.monotonic() + 10  # PostgreSQL ends the dead process's session asynchronously
    while warehouse.scalar(holders) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert warehouse.scalar(holders) == 0
    with warehouse.target.transaction() as cur:
        cur.execute("alter table ops.publications drop constraint refuse_all")
    result = warehouse.marquee("build", "--select", "stg_shows__shows")  # at once: nothing to release
    assert result.code == 0, result.err
    assert publications(warehouse) == 2


def test_the_lock_key_is_the_same_in_python_and_sql() -> None:
    from marquee.engines.postgres import ADVISORY_LOCK_KEY

    macro = (PROJECT_DIR / "macros" / "publishing" / "warehouse_lock.sql").read_text()
    assert f"return({ADVISORY_LOCK_KEY})" in macro


def test_an_in_process_dbt_run_releases_the_lock_it_took(duckdb_warehouse: Warehouse) -> None:
    # `marquee docs` runs dbt in this process without holding the lock itself: dbt's plugin takes
    # it and must give it back when dbt is done, or this process would block every other writer
    from marquee.engines.duckdb import lock_file

    result = duckdb_warehouse.marquee("docs")
    assert result.code == 0, result.err
    probe = subprocess.run(
        [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'a+'); "
         "fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')",
         str(lock_file(duckdb_warehouse.target.path))],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert probe.stdout.strip() == "free", probe.stderr


def test_unit_tests_pass_on_every_engine(
    warehouse: Warehouse, warehouse_templates: WarehouseTemplates
) -> None:
    # `marquee build` leaves dbt's unit tests to CI (they test the SQL on fixed inputs): here they
    # run, as `dbt test` in CI runs them, on each engine (their fixtures need the upstream relations)
    start_from_feed_a(warehouse, warehouse_templates)
    result = dbt(warehouse, "test", "--select", "test_type:unit")
    assert result.returncode == 0, result.stdout[-3000:]
    assert len(re.findall(r"\d+ of 8 PASS ", result.stdout)) == 8, result.stdout[-3000:]  # every unit test passed


def test_a_build_never_writes_into_another_builds_version(
    duckdb_warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    """marquee reuses dbt's parse (the marts' schema is parsed again from MARQUEE_MARTS_SCHEMA);
    check_marts_schema refuses any build whose marts would not go into a new, empty version schema:
    a plain `dbt build --partial-parse` run twice (the second parse keeps the first build's schema),
    or a name that is taken. What is engine-independent dbt parsing: one engine suffices."""
    warehouse = duckdb_warehouse
    start_from_feed_a(warehouse, warehouse_templates)
    first = dbt(warehouse, "build", "--partial-parse")
    assert first.returncode == 0, first.stdout[-3000:]
    live = published(warehouse)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)

    stale = dbt(warehouse, "build", "--partial-parse")
    assert stale.returncode != 0
    assert f"marts parsed for another build (app_deletions in marts_v{live[0]}" in stale.stdout
    assert published(warehouse) == live and version_schemas(warehouse) == [f"marts_v{live[0]}"]

    taken = subprocess.run([DBT, "build"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
                           env={**dbt_env(warehouse), "MARQUEE_MARTS_SCHEMA": f"marts_v{live[0]}"})  # fmt: skip
    assert taken.returncode != 0
    assert f"marts version schema marts_v{live[0]} holds relations already" in taken.stdout
    assert published(warehouse) == live and version_schemas(warehouse) == [f"marts_v{live[0]}"]
    assert warehouse.scalar("select count(*) from marts.master_shows") > 0  # still readable, unchanged

    rebuilt = warehouse.marquee("build")  # marquee names a new version: feed B is built and published
    assert rebuilt.code == 0, rebuilt.err
    assert published(warehouse)[0] != live[0] and published(warehouse)[1] == (7, 5, 9, 2)
