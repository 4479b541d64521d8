"""History is a function of the set of feeds, ordered by fetch time: landing
feeds out of order (back-filling an old file after newer ones, or several
pending loads landed in any order) gives exactly the master, history and
per-load counts of landing them in time order. Both engines (a back-fill's replay and
feeds fetched at the same instant on Spark too)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import Warehouse, WarehouseTemplates, fresh_postgres_database
from tests.test_shows_pipeline import (
    A_AT,
    ALL_ENGINES,
    B_AT,
    C_AT,
    FEED_A,
    FEED_B,
    FEED_C,
    MASTER_COLUMNS,
    build_shows,
    land,
    show,
    start_from_feed_a,
    ts,
)

FEEDS = {"A": (FEED_A, A_AT), "B": (FEED_B, B_AT), "C": (FEED_C, C_AT)}
HISTORY_COLUMNS = (
    "movie_id, cinema_id, screen_name, show_time, title, rating, length_minutes, format, genre, is_active, "
    "image_url, change_type, valid_from, valid_to, withdrawn_at"
)


def state(w: Warehouse) -> dict[str, list[tuple]]:
    """Everything a build decides, without the load ids (they follow the landing order)."""
    return {
        "master": w.sql(f"select {MASTER_COLUMNS} from marts.master_shows order by 1, 2, 3, 4"),
        "history": w.sql(f"select {HISTORY_COLUMNS} from marts.show_history order by 1, 2, 3, 4, valid_from"),
        "load counts": w.sql(
            "select valid_from, valid_to, records_count, inserted_count, updated_count, unchanged_count, "
            "withdrawn_count, rejected_count, duplicates_count from intermediate.int_show_versions "
            "where record_type = 'load' order by valid_from"
        ),
        "rejected": w.sql("select fetched_at, record_index, reject_reason from marts.rejected_shows order by 1, 2"),
    }


@pytest.fixture
def other_warehouse(
    warehouse: Warehouse, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], contextlib.AbstractContextManager[Warehouse]]]:
    """Switch the test to another fresh warehouse of the same engine (for the `with` block)."""
    with contextlib.ExitStack() as databases:

        @contextlib.contextmanager
        def switch(name: str) -> Iterator[Warehouse]:
            with monkeypatch.context() as env:
                if warehouse.target.name == "duckdb":
                    (tmp_path / name).mkdir()
                    env.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / name / "warehouse.duckdb"))
                else:
                    server = request.getfixturevalue("postgres_server")
                    env.setenv("PGDATABASE", databases.enter_context(fresh_postgres_database(server)))
                yield Warehouse(warehouse.target)

        yield switch


def land_in_order(w: Warehouse, tmp_path: Path, batches: list[str]) -> str:
    """Land the feeds named in each batch (e.g. "CA": C then A), building after each batch."""
    out = ""
    for batch in batches:
        for name in batch:
            records, fetched_at = FEEDS[name]
            land(w, tmp_path, f"{name}-{len(out)}.json", records, fetched_at)
        out = build_shows(w)
    return out


def test_any_landing_order_gives_the_history_of_fetch_order(
    warehouse: Warehouse,
    tmp_path: Path,
    warehouse_templates: WarehouseTemplates,
    other_warehouse: Callable[[str], contextlib.AbstractContextManager[Warehouse]],
) -> None:
    # the truth: each feed landed and built in the order it was fetched
    start_from_feed_a(warehouse, warehouse_templates)
    land_in_order(warehouse, tmp_path, ["B", "C"])
    expected = state(warehouse)
    assert len(expected["history"]) == 10 and len(expected["load counts"]) == 3

    # every feed late: C first, then the older A (re-derives C), then B (re-derives C again)
    with other_warehouse("late-each-time") as w:
        out = land_in_order(w, tmp_path, ["C", "A", "B"])
        assert "Reconciled 2 loads (9 records)" in out  # B, and C re-derived after it
        assert state(w) == expected
    # all pending at once, landed newest first
    with other_warehouse("all-pending-shuffled") as w:
        land_in_order(w, tmp_path, ["BCA"])
        assert state(w) == expected


@ALL_ENGINES
def test_a_backfill_never_withdraws_before_first_seen_or_ends_before_it_starts(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """The observed corruption: an older feed landed after a newer one reverted values and wrote
    versions ending before they start."""
    land(warehouse, tmp_path, "c.json", FEED_C, C_AT)
    build_shows(warehouse)
    land(warehouse, tmp_path, "a.json", FEED_A, A_AT)
    build_shows(warehouse)

    assert warehouse.scalar("select count(*) from marts.show_history where valid_to <= valid_from") == 0
    assert warehouse.scalar("select count(*) from marts.master_shows where withdrawn_at < first_seen_at") == 0
    master = {row[0]: row[1:] for row in warehouse.sql(
        "select movie_id, is_active, show_time, first_seen_at, last_changed_at, withdrawn_at "
        "from marts.master_shows where movie_id in ('M2', 'M6', 'M7')"
    )}
    # M2 is inactive in C (fetched last): the older A's "active" does not win
    assert master["M2"] == (False, ts("2026-12-05T19:00:00"), ts(A_AT), ts(C_AT), None)
    # M6 is listed unchanged by A and C: inserted by A (fetched first), unchanged in C
    assert master["M6"] == (True, ts("2026-12-07T23:00:00"), ts(A_AT), ts(A_AT), None)
    # M7 (cinema 3) is only in A: inserted then, never withdrawn by C (cinema 3 not in C)
    assert master["M7"] == (True, ts("2026-12-07T18:00:00"), ts(A_AT), ts(A_AT), None)


@ALL_ENGINES
def test_feeds_fetched_at_the_same_time_apply_in_load_order(warehouse: Warehouse, tmp_path: Path) -> None:
    first = [show("M1", 1, "Screen 1", "2026-12-05T18:00:00Z", movie_title="First")]
    second = [show("M1", 1, "Screen 1", "2026-12-05T18:00:00Z", movie_title="Second")]
    land(warehouse, tmp_path, "first.json", first, A_AT)
    land(warehouse, tmp_path, "second.json", second, A_AT)
    build_shows(warehouse)
    land(warehouse, tmp_path, "third.json", first, A_AT)
    build_shows(warehouse)

    tie = ts(A_AT)
    assert warehouse.sql(
        "select title, change_type, valid_from, valid_to from marts.show_history order by valid_from"
    ) == [
        ("First", "inserted", tie, tie + timedelta(microseconds=1)),
        ("Second", "updated", tie + timedelta(microseconds=1), tie + timedelta(microseconds=2)),
        ("First", "updated", tie + timedelta(microseconds=2), None),
    ]
    assert warehouse.sql("select title, first_seen_at from marts.master_shows") == [("First", tie)]


def test_a_backfill_whose_later_loads_lost_their_records_is_refused(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    """Re-deriving the history after a back-filled feed needs the records of every later load;
    when one is gone, the reconcile refuses (one line, its audit) and changes nothing."""
    from tests.test_publish import execute

    start_from_feed_a(warehouse, warehouse_templates)
    land(warehouse, tmp_path, "c.json", FEED_C, C_AT)
    build_shows(warehouse)
    ledger = warehouse.sql("select version_id, valid_to from intermediate.int_show_versions order by 1")
    master = warehouse.sql(f"select {MASTER_COLUMNS} from marts.master_shows order by 1, 2, 3, 4")
    # C's records gone (as a raw retention policy might remove them), then B back-filled before C
    for table in ("raw.shows", "intermediate.int_show_records_validated"):
        execute(warehouse, f"delete from {table} where {'_feed_fetched_at' if table == 'raw.shows' else 'fetched_at'} "
                f"= timestamp '2026-12-03 00:00:00'")  # fmt: skip
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    result = warehouse.marquee("build", "--select", "+marts.shows")
    assert result.code == 1
    assert "audit 'a replayed load still has all its records' failed" in result.err and "nothing was merged" in result.err
    assert warehouse.sql("select version_id, valid_to from intermediate.int_show_versions order by 1") == ledger
    assert warehouse.sql(f"select {MASTER_COLUMNS} from marts.master_shows order by 1, 2, 3, 4") == master


def test_a_warehouse_of_the_previous_release_upgrades_in_place(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    """State built before this release lacks the columns it added (raw.shows._reject_reason,
    the validated records' landing_reject_reason, the master's reconciled_at): the next build
    adds them and derives the same master and history, without a full refresh."""
    from tests.test_publish import execute

    start_from_feed_a(warehouse, warehouse_templates)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    build_shows(warehouse)
    expected = state(warehouse)
    for table, column in (
        ("raw.shows", "_reject_reason"),
        ("intermediate.int_show_records_validated", "landing_reject_reason"),
        ("core.master_shows", "reconciled_at"),
    ):
        execute(warehouse, f"alter table {table} drop column {column} cascade")

    assert "No new show loads to reconcile." in build_shows(warehouse)
    assert state(warehouse) == expected
    # (dlt adds the raw column at the next landing, as its stored schema of an old warehouse lacks it;
    # here the schema already has it, so the column is put back as dlt would have)
    execute(warehouse, "alter table raw.shows add column _reject_reason varchar")
    land(warehouse, tmp_path, "c.json", FEED_C, C_AT)
    assert "1 updated, 4 unchanged, 0 withdrawn" in build_shows(warehouse)
    assert warehouse.scalar("select count(*) from core.master_shows where reconciled_at is null") == 0
