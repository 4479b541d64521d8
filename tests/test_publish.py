"""Write, audit, publish: a failing audit, a failing test or a killed build
leaves `marts` as it was; one build at a time; the analyst role sees marts only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.settings import PROJECT_DIR
from tests.conftest import Warehouse, WarehouseTemplates
from tests.test_shows_pipeline import A_AT, B_AT, FEED_A, FEED_B, SHOWS, build, land, start_from_feed_a

MARTS = ("master_shows", "rejected_shows", "show_history", "show_reconcile_log")


def published(w: Warehouse) -> tuple:
    """The published version and the content of every mart."""
    version = w.scalar("select version from ops.publications order by published_at desc limit 1")
    counts = tuple(w.scalar(f"select count(*) from marts.{name}") for name in MARTS)
    master = w.sql("select show_id, title, is_active, withdrawn_at from marts.master_shows order by show_id")
    return version, counts, master


def version_schemas(w: Warehouse) -> list[str]:
    return [
        row[0]
        for row in w.sql("select schema_name from information_schema.schemata order by 1")
        if row[0].startswith("marts_v")
    ]


def test_publish_switches_versions_and_drops_old_ones(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built
    first = published(warehouse)
    assert version_schemas(warehouse) == [f"marts_v{first[0]}"]
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    out = build(warehouse)
    second = published(warehouse)
    assert second[0] != first[0] and f"version {second[0]}" in out
    assert version_schemas(warehouse) == [f"marts_v{second[0]}"]  # the old version is gone
    assert second[1] == (7, 5, 9, 2)
    views = {v[0] for v in warehouse.sql("select table_name from information_schema.views where table_schema = 'marts'")}
    tables = warehouse.sql("select count(*) from information_schema.tables where table_schema = 'marts' and table_type <> 'VIEW'")
    assert set(MARTS) <= views and "media" in views and "users" in views
    assert tables == [(0,)]  # analysts' schema holds views only


def published_views(w: Warehouse) -> set[str]:
    return {v[0] for v in w.sql("select table_name from information_schema.views where table_schema = 'marts'")}


def test_partial_build_publishes_the_selection_and_carries_the_rest_over(
    duckdb_warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    # the decision is the publish hook's Jinja, the same on both engines; both engines' SQL of the
    # switch runs in every other test of this file, so this one runs on one engine
    warehouse = duckdb_warehouse
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built (everything)
    first = published(warehouse)
    views = published_views(warehouse)
    links = warehouse.sql("select lookup_kind, lookup_value, processed_status from marts.media_links order by 1, 2")
    assert len(links) == 9  # a mart of another domain: feed A's six films and the three pinned titles, to fetch

    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    out = build(warehouse, "--select", SHOWS)
    second = published(warehouse)
    assert second[0] != first[0] and version_schemas(warehouse) == [f"marts_v{second[0]}"]
    assert second[1] == (7, 5, 9, 2)  # the show marts are rebuilt: as after a full build of B
    # every other mart was copied into the new version as it was, and the views read it there
    assert published_views(warehouse) == views
    version_tables = {
        row[0]
        for row in warehouse.sql(
            "select table_name from information_schema.tables where table_schema = ?", (f"marts_v{second[0]}",)
        )
    }
    rebuilt = {"master_shows", "rejected_shows", "show_history", "show_reconcile_log"}
    assert rebuilt < version_tables and version_tables == views  # stateful relations too are published as copies
    assert f"; {len(version_tables - rebuilt)} not selected carried over unchanged." in out
    assert warehouse.sql("select lookup_kind, lookup_value, processed_status from marts.media_links order by 1, 2") == links

    # a selection whose graph reaches a test of an unselected mart (show_history -> master_shows)
    tmdb = build(warehouse, "--select", "source:tmdb+")
    assert "Published" in tmdb and published_views(warehouse) == views
    assert warehouse.scalar("select count(*) from marts.show_history") == 9  # carried over, as B built it
    third = published(warehouse)
    assert third[1] == second[1]

    nothing = warehouse.marquee("build", "--select", "no_such_model")
    assert nothing.code == 1
    assert "--select no_such_model selects nothing to build -- nothing was published" in nothing.err
    assert published(warehouse) == third and version_schemas(warehouse) == [f"marts_v{third[0]}"]


@pytest.mark.postgres
def test_a_failing_test_keeps_its_domain_and_publishes_the_others(
    postgres_warehouse: Warehouse, warehouse_templates: WarehouseTemplates
) -> None:
    # the decision is the publish hook's Jinja, the same on both engines; both engines' SQL of the
    # switch runs in every other test of this file, so this one runs on one engine
    warehouse = postgres_warehouse
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built
    version, counts, master = published(warehouse)
    published_at = warehouse.scalar("select published_at from ops.publications")
    links = warehouse.sql("select lookup_kind, lookup_value, processed_status from marts.media_links order by 1, 2")

    # a row of the master damaged behind dbt's back: its not_null test fails on the next build
    execute(warehouse, "update core.master_shows set first_seen_at = null where movie_id = 'M1'")
    result = warehouse.marquee("build")
    assert result.code == 1
    line = result.err.strip().splitlines()[-1]
    assert line.startswith("marquee: error: dbt build failed: not_null_master_shows_first_seen_at (fail"), line
    assert line.endswith(
        f"-- the other marts were published; these kept their last good version: shows (since {published_at:%Y-%m-%d %H:%M:%S} UTC)"
    )
    after = published(warehouse)
    assert after[0] != version and version_schemas(warehouse) == [f"marts_v{after[0]}"]  # a new version...
    assert after[1:] == (counts, master)  # ... in which the show marts are the last good ones
    assert warehouse.scalar("select count(*) from marts.master_shows where first_seen_at is null") == 0
    assert warehouse.sql("select lookup_kind, lookup_value, processed_status from marts.media_links order by 1, 2") == links
    assert warehouse.sql("select domain from ops.stale_domains where version = ?", (after[0],)) == [("shows",)]
    status = warehouse.marquee("status")
    assert f"STALE: the shows marts are as last published at {published_at:%Y-%m-%d %H:%M:%S} UTC" in status.out

    # repaired: everything publishes, nothing is stale
    execute(warehouse, "update core.master_shows set first_seen_at = timestamp '2026-12-01 00:00:00' where movie_id = 'M1'")
    build(warehouse)
    assert "STALE" not in warehouse.marquee("status").out


def test_a_failed_build_publishes_none_of_the_state_it_advanced(
    duckdb_warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    """The ledger and the master advance in place during a build; analysts must not see it
    (history included) unless the build publishes."""
    # the decision is the publish hook's Jinja, the same on both engines; both engines' SQL of the
    # switch runs in every other test of this file, so this one runs on one engine
    warehouse = duckdb_warehouse
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built
    before = published(warehouse)
    history = warehouse.sql("select version_id, valid_to, change_type from marts.show_history order by 1")
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    # a test that fails after the reconcile merged: M1 (unchanged by B, so not re-merged) is damaged
    execute(warehouse, "update core.master_shows set first_seen_at = null where movie_id = 'M1'")
    result = warehouse.marquee("build")
    assert result.code == 1 and "not_null_master_shows_first_seen_at" in result.err
    assert warehouse.scalar("select count(*) from intermediate.int_show_versions where record_type = 'load'") == 2
    assert warehouse.scalar("select count(*) from core.master_shows") == 7  # state advanced: B's M8 merged
    assert published(warehouse)[1:] == before[1:]  # ... but nothing of it is published: master, history, log
    assert warehouse.sql("select version_id, valid_to, change_type from marts.show_history order by 1") == history

    # repaired, the next build publishes the state (B was reconciled once, by the failed build)
    execute(warehouse, "update core.master_shows set first_seen_at = timestamp '2026-12-01 00:00:00' where movie_id = 'M1'")
    build(warehouse)
    assert published(warehouse)[1] == (7, 5, 9, 2)


def test_failing_audit_protects_state(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    from marquee.dbt import run_dbt

    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built
    before = published(warehouse)
    state = warehouse.sql("select version_id, valid_to from intermediate.int_show_versions order by 1")

    # load B is classified, then one accepted record loses its movie_id before the reconcile
    # runs: the staged versions would hold a show without a key
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    run_dbt(["run", "--select", "int_show_records_validated"], warehouse.target, quiet=True)
    execute(
        warehouse,
        "update intermediate.int_show_records_validated set movie_id = null "
        "where load_id = (select max(load_id) from intermediate.int_show_records_validated) and record_index = 3",
    )
    result = warehouse.marquee("build")
    assert result.code == 1, result.out
    assert "audit 'versions have a full key and a known change' failed on the staged rows of" in result.err
    assert "nothing was merged" in result.err
    assert "these kept their last good version: media (since" in result.err and "; shows (since" in result.err
    assert warehouse.sql("select version_id, valid_to from intermediate.int_show_versions order by 1") == state
    assert published(warehouse)[1:] == before[1:]  # the show marts: the media marts read them too


def test_killed_build_leaves_marts_readable_and_unchanged(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built
    before = published(warehouse)
    history = warehouse.sql("select version_id, valid_to from marts.show_history order by 1")
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)

    process = start_cli(warehouse, "build")
    wait_for_line(process, "int_shows_mastered")  # the ledger and the master have advanced in place
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert warehouse.scalar("select count(*) from core.master_shows") == 7
    assert published(warehouse) == before  # master, history and every other mart: as they were
    assert warehouse.sql("select version_id, valid_to from marts.show_history order by 1") == history
    assert f"marts_v{before[0]}" in version_schemas(warehouse)
    # the next build publishes what the killed one reconciled, and removes the half-built version
    build(warehouse)
    after = published(warehouse)
    assert after[1] == (7, 5, 9, 2) and version_schemas(warehouse) == [f"marts_v{after[0]}"]


def test_back_to_back_commands_never_find_the_lock_taken(postgres_warehouse: Warehouse) -> None:
    # a command's lock is released before its connection closes: closing alone ends the session
    # asynchronously, and the next command (a build right after a landing, on a busy machine) found
    # it still held; an observer session sees it free the moment the block ends
    from marquee.engines.postgres import ADVISORY_LOCK_KEY

    engine = postgres_warehouse.target
    observer = engine.open()
    observer.autocommit = True
    cur = observer.cursor()
    still_held = 0
    try:
        for _ in range(100):
            with engine.lock():
                pass
            cur.execute(
                "select count(*) from pg_locks where locktype = 'advisory' and objid = %s::bigint::oid "
                "and database = (select oid from pg_database where datname = current_database())",
                (ADVISORY_LOCK_KEY,),
            )
            still_held += cur.fetchone()[0]
    finally:
        observer.close()
    assert still_held == 0


def test_a_second_build_fails_fast_while_one_runs(warehouse: Warehouse, tmp_path: Path) -> None:
    land(warehouse, tmp_path, "a.json", FEED_A, A_AT)
    process = start_cli(warehouse, "build")
    wait_for_line(process, "Building the marts")
    started = time.monotonic()
    second = warehouse.marquee("build")
    assert time.monotonic() - started < 5
    assert second.code == 1
    assert second.err.strip().startswith("marquee: error: another marquee or dbt run is using")
    assert process.wait(timeout=300) == 0
    assert published(warehouse)[1] == (6, 5, 6, 1)


@pytest.mark.postgres
def test_readers_see_a_complete_version_during_publish(
    tmp_path: Path, analyst_role: str, postgres_warehouse: Warehouse, warehouse_templates: WarehouseTemplates
) -> None:
    # PostgreSQL only: a DuckDB file cannot be read by another process while it is written
    warehouse = postgres_warehouse
    start_from_feed_a(warehouse, warehouse_templates)  # feed A landed and built
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    seen: set[tuple] = set()
    errors: list[str] = []
    stop = threading.Event()

    def read() -> None:
        import psycopg2

        conn = psycopg2.connect(**warehouse.target.params)
        conn.autocommit = True
        cur = conn.cursor()
        while not stop.is_set():
            try:
                cur.execute(
                    "select (select count(*) from marts.show_reconcile_log), "
                    "(select count(*) from marts.rejected_shows), "
                    "(select count(*) from marts.master_shows)"
                )
                seen.add(cur.fetchone())
            except Exception as exc:  # noqa: BLE001
                errors.append(str(exc))
        conn.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        build(warehouse)
        time.sleep(0.2)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    # every read saw either the old or the new version, never a mixture or a missing relation
    # (the master and history included: they are published copies of the state)
    assert seen <= {(1, 5, 6), (2, 5, 7)}
    assert (2, 5, 7) in seen


@pytest.mark.postgres
def test_analyst_role_reads_marts_and_nothing_else(
    tmp_path: Path, analyst_role: str, postgres_warehouse: Warehouse
) -> None:
    warehouse = postgres_warehouse
    land(warehouse, tmp_path, "a.json", FEED_A, A_AT)
    build(warehouse)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    build(warehouse)  # grants survive the switch
    version = published(warehouse)[0]

    import psycopg2

    conn = psycopg2.connect(**warehouse.target.params)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f"set role {analyst_role}")
    for name in MARTS:
        cur.execute(f"select count(*) from marts.{name}")
        assert cur.fetchone()[0] > 0
    forbidden = [
        "raw.shows",
        "raw._dlt_loads",
        "staging.stg_shows__shows",
        "intermediate.int_show_records_validated",
        "intermediate.int_show_versions",
        "core.master_shows",
        f"marts_v{version}.show_reconcile_log",
        "ops.publications",
    ]
    for relation in forbidden:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute(f"select 1 from {relation} limit 1")
    cur.execute(
        "select nspname from pg_namespace where has_schema_privilege(%s, oid, 'CREATE')", (analyst_role,)
    )
    assert cur.fetchall() == []
    cur.execute("select has_database_privilege(%s, current_database(), 'CREATE')", (analyst_role,))
    assert cur.fetchone()[0] is False
    for statement in ("create table marts.x (a int)", "create schema sneaky", "create view marts.v as select 1"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute(statement)
    conn.close()


@pytest.fixture
def analyst_role(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[str]:
    """A throwaway analyst role (roles are cluster-wide); dropped after the test's database."""
    server = request.getfixturevalue("postgres_server")
    role = f"marquee_analyst_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("MARQUEE_ANALYST_ROLE", role)
    yield role
    import psycopg2

    conn = psycopg2.connect(**{**server, "dbname": "postgres"})
    conn.autocommit = True
    conn.cursor().execute(f"drop role if exists {role}")
    conn.close()


def execute(w: Warehouse, statement: str) -> None:
    with w.target.connect() as conn:
        w.target.statement_cursor(conn).execute(statement)
        conn.commit()


def start_cli(w: Warehouse, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "marquee.cli", *args, "--target", w.target.name],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if text in line:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"process ended before printing {text!r}: {''.join(seen)}")
    process.kill()
    raise AssertionError(f"timed out waiting for {text!r}")
