"""Spark (`make test-spark`): the stateful models' table switch survives a kill at any step,
and every mart Spark builds equals DuckDB's row for row on the bundled sample.

The show pipeline's end-to-end tests run on Spark too (tests/test_shows_pipeline.py, ALL_ENGINES).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Warehouse
from tests.test_shows_pipeline import A_AT, B_AT, FEED_A, FEED_B, build_shows, land

pytestmark = pytest.mark.spark

LEDGER = "intermediate.int_show_versions"
MASTER = "core.master_shows"


def ledger(w: Warehouse) -> list[tuple]:
    return sorted(w.sql(f"select * from {LEDGER}"), key=repr)


def master_rows(w: Warehouse) -> list[tuple]:
    return sorted(w.sql(f"select * from {MASTER}"), key=repr)


def switch_tables(w: Warehouse) -> list[str]:
    """What state switches left behind (nothing, after any build)."""
    names = []
    for schema in ("intermediate", "core"):
        names += [f"{schema}.{row[1]}" for row in w.sql(f"show tables in {schema}") if "__dbt_" in row[1]]
    return sorted(names)


@pytest.fixture
def spark_warehouse(request: pytest.FixtureRequest) -> Warehouse:
    from tests.conftest import fresh_spark_warehouse

    return Warehouse(fresh_spark_warehouse(request))


def test_a_switch_killed_at_any_step_keeps_one_complete_state(spark_warehouse: Warehouse, tmp_path: Path) -> None:
    w = spark_warehouse
    land(w, tmp_path, "a.json", FEED_A, A_AT)
    build_shows(w)
    state_a = ledger(w)
    assert len([row for row in state_a if row[1] == "show"]) == 6

    # killed while writing the next state (before the switch began): it is dropped, the
    # build applies feed B to the state it finds, exactly once
    w.sql(f"create table {LEDGER}__dbt_next using parquet as select * from {LEDGER} where record_type = 'load'")
    land(w, tmp_path, "b.json", FEED_B, B_AT)
    out = build_shows(w)
    assert "1 inserted, 1 updated, 2 unchanged, 1 withdrawn, 0 rejected, 0 duplicates" in out
    state_b = ledger(w)
    assert len(state_b) == len(state_a) + 4  # M8 inserted, M2 updated, M6 withdrawn, B's load row
    assert switch_tables(w) == []

    # killed between the two renames: the complete next state becomes the table
    w.sql(f"alter table {LEDGER} rename to {LEDGER}__dbt_previous")
    w.sql(f"create table {LEDGER}__dbt_next using parquet as select * from {LEDGER}__dbt_previous")
    out = build_shows(w)
    assert "No new show loads to reconcile." in out
    assert ledger(w) == state_b
    assert switch_tables(w) == []

    # killed after setting the old state aside, before the new one was in place
    w.sql(f"alter table {MASTER} rename to {MASTER}__dbt_previous")
    master_b = sorted(w.sql(f"select * from {MASTER}__dbt_previous"), key=repr)
    build_shows(w)
    assert master_rows(w) == master_b
    assert switch_tables(w) == []

    # killed after the switch, before the old state was dropped
    w.sql(f"create table {LEDGER}__dbt_previous using parquet as select * from {LEDGER} where 1 = 0")
    build_shows(w)
    assert ledger(w) == state_b
    assert switch_tables(w) == []
    assert w.scalar("select count(*) from marts.show_history") == len([row for row in state_b if row[1] == "show"])


def _normalised(rows: list[tuple], columns: list[str], loads: dict[str, int], run: tuple[datetime, datetime]) -> list[tuple]:
    """Rows comparable across two warehouses that ran on the same inputs: load ids as the load's
    position; times stamped by the run itself (a fetch, a build, a snapshot: between the run's
    start and end) as one placeholder; what derives from either (a version's id hashes its load
    id, a rejected app row's its load, a snapshot row's its time) left out; numbers as floats."""
    out = []
    for row in rows:
        values: list[Any] = []
        for column, value in zip(columns, row):
            if column in ("invocation_id", "version_id", "dbt_scd_id", "rejected_row_id"):
                continue
            if column.endswith("load_id") and value is not None:
                value = loads[value]
            if isinstance(value, datetime) and run[0] <= value <= run[1]:
                value = "<run time>"
            if isinstance(value, Decimal):
                value = float(value)
            values.append(value)
        out.append(tuple(values))
    return sorted(out, key=repr)


def _columns(w: Warehouse, relation: str) -> list[str]:
    if w.target.name == "spark":
        return [field.name for field in w.target.session().table(relation).schema.fields]
    schema, name = relation.split(".")
    return [row[0] for row in w.sql(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", (schema, name))]


def _load_positions(w: Warehouse) -> dict[str, int]:
    """Each load id, by its position among every source's loads (both runs land in the same order)."""
    return {load_id: position for position, (load_id,) in enumerate(
        w.sql("select load_id from raw._dlt_loads order by load_id"), start=1)}


def test_every_mart_equals_duckdbs_on_the_bundled_sample(
    spark_warehouse: Warehouse, duckdb_warehouse: Warehouse
) -> None:
    """`marquee run` (the bundled feeds, app export and recorded TMDB answers) on both engines."""
    runs = {}
    for w in (duckdb_warehouse, spark_warehouse):
        started = datetime.now(timezone.utc).replace(tzinfo=None)
        result = w.marquee("run")
        assert result.code == 0, result.err + result.out
        runs[w.target.name] = (started, datetime.now(timezone.utc).replace(tzinfo=None))
    # status and freshness read the Spark warehouse as they read the others
    status = spark_warehouse.marquee("status")
    assert status.code == 0, status.err
    assert "2 load(s): 415 inserted, 13 updated, 309 unchanged, 8 withdrawn, 6 rejected, 3 duplicates" in status.out
    assert "(22 views)" in status.out and "STALE" not in status.out
    freshness = spark_warehouse.marquee("freshness")
    assert "tmdb.tmdb_titles" in freshness.out and "app.app_users" in freshness.out
    marts = sorted(row[0] for row in duckdb_warehouse.sql(
        "select table_name from information_schema.tables where table_schema = 'marts'"))
    assert len(marts) == 22
    assert sorted(row[1] for row in spark_warehouse.sql("show views in marts")) == marts
    for mart in marts:
        relation = f"marts.{mart}"
        columns = _columns(duckdb_warehouse, relation)
        # the same columns; their order is the contract's on DuckDB, the model's on Spark (no contract there)
        assert sorted(_columns(spark_warehouse, relation)) == sorted(columns), mart
        select = f"select {', '.join(columns)} from {relation}"
        expected = _normalised(duckdb_warehouse.sql(select), columns, _load_positions(duckdb_warehouse), runs["duckdb"])
        actual = _normalised(spark_warehouse.sql(select), columns, _load_positions(spark_warehouse), runs["spark"])
        assert actual == expected, mart


def test_a_second_writer_fails_at_once_while_one_holds_the_warehouse(spark_warehouse: Warehouse) -> None:
    """The lock needs no server: a flock beside the warehouse, refused at once to another process."""
    import subprocess
    import sys

    engine = spark_warehouse.target
    env = {**os.environ, "MARQUEE_SPARK_DIR": str(engine.root)}
    command = [sys.executable, "-m", "marquee.cli", "build", "--target", "spark"]
    with engine.lock():
        held = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert held.returncode == 1
    assert held.stderr.strip().splitlines()[-1] == (
        f"marquee: error: another marquee or dbt run is using Spark warehouse {engine.root} "
        f"(lock {engine.root / 'spark.lock'}); wait for it to finish"
    )
    assert not (engine.root / "lake").exists()  # nothing ran: no landing, no build
