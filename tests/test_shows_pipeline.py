"""End to end on both targets: land feeds with `marquee ingest shows`, reconcile
with `marquee build --select +marts.shows` (the show marts and everything they
depend on: the shows do not need the app's or TMDB's marts; test_publish.py
builds everything), and assert the exact master rows, history versions,
rejects and reconcile log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Warehouse, WarehouseTemplates, write_feed

A_AT = "2026-12-01T00:00:00Z"
B_AT = "2026-12-02T00:00:00Z"
C_AT = "2026-12-03T00:00:00Z"


def show(movie: str, cinema: Any, screen: str, time: str, **fields: Any) -> dict[str, Any]:
    record = {
        "movie_showTime": time,
        "screen_name": screen,
        "is_active": "1",
        "movie_ID": movie,
        "movie_title": f"Title {movie}",
        "movie_rating": "PG-13",
        "movie_length": 120,
        "movie_format": "2D",
        "cinema_id": cinema,
        "movie_genere": "Drama",
        "movie_image_new": f"https://img.example/{movie}.jpg",
    }
    record.update(fields)
    return record


FEED_A = [
    show("M1", 1, "Screen 1", "2026-12-05T18:00:00Z", movie_title="Dune (superseded)"),
    show("M1", 1, "Screen 1", "2026-12-05T18:00:00Z", movie_title="Dune: Part Two"),
    show("M2", 1, " Screen 2 ", "2026-12-05T20:00:00+01:00", is_active="Yes", movie_length="95",
         movie_title='Ocean\'s "Eleven" — Amélie'),
    show("M3", "5", "Screen 1", "2026-12-06T10:00:00", is_active="f", movie_length="abc"),
    show("M4", 2, "Screen 1", "2026-11-30T18:00:00Z", is_active="maybe", movie_length=-5),
    show("M6", 2, "Screen 2", "2026-12-07T18:00:00-05:00"),
    show("M7", 3, "Screen 1", "2026-12-07T18:00:00Z"),
    show(None, 1, "Screen 1", "2026-12-05T18:00:00Z"),
    show("M9", "abc", "Screen 1", "2026-12-05T18:00:00Z"),
    show("M9", 1, "Screen 1", "tomorrow"),
    show("M9", 1, "  ", "2026-12-05T18:00:00Z"),
    42,
]
FEED_B = [
    show("M1", 1, "Screen 1", "2026-12-05T18:00:00Z", movie_title="Dune: Part Two"),
    show("M2", 1, "Screen 2", "2026-12-05T19:00:00Z", is_active="0", movie_length="95",
         movie_title='Ocean\'s "Eleven" — Amélie'),
    show("M3", 5, "Screen 1", "2026-12-06T10:00:00Z", is_active="F", movie_length="n/a"),
    show("M8", 2, "Screen 3", "2026-12-08T18:00:00Z"),
]
FEED_C = [*FEED_B, show("M6", 2, "Screen 2", "2026-12-07T23:00:00Z")]

MASTER_COLUMNS = (
    "movie_id, cinema_id, screen_name, show_time, title, rating, length_minutes, format, genre, "
    "is_active, image_url, first_seen_at, last_changed_at, withdrawn_at"
)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", ""))


def master(w: Warehouse) -> dict[str, tuple]:
    rows = w.sql(f"select {MASTER_COLUMNS} from marts.master_shows order by movie_id")
    return {row[0]: row[1:] for row in rows}


def log_rows(w: Warehouse) -> list[tuple]:
    return w.sql(
        "select loads_count, records_count, inserted, updated, unchanged, withdrawn, rejected, duplicates "
        "from marts.show_reconcile_log order by reconciled_at, last_load_id"
    )


def land(w: Warehouse, tmp_path: Path, name: str, records: list, fetched_at: str) -> None:
    result = w.marquee("ingest", "shows", "--source", write_feed(tmp_path / name, records), "--fetched-at", fetched_at)
    assert result.code == 0, result.err
    assert f"Landed {len(records)} show records" in result.out


def build(w: Warehouse, *options: str) -> str:
    result = w.marquee("build", *options)
    assert result.code == 0, result.err + result.out
    return result.out


SHOWS = "+marts.shows"


def build_shows(w: Warehouse) -> str:
    """`marquee build` of the show marts and what they depend on."""
    return build(w, "--select", SHOWS)


def land_and_build_feed_a(w: Warehouse, directory: Path) -> str:
    land(w, directory, "a.json", FEED_A, A_AT)
    return build(w)


def start_from_feed_a(w: Warehouse, templates: WarehouseTemplates) -> str:
    """Feed A landed and built on the fresh warehouse `w` (a copy of that state, built
    once per worker and target); returns the build's output."""
    return templates.restore(w, "feed_a_built", land_and_build_feed_a)


def assert_feed_a_state(warehouse: Warehouse, out: str) -> None:
    """After feed A alone: the exact master rows, rejects and log."""
    assert "Reconciled 1 load (12 records): 6 inserted, 0 updated, 0 unchanged, 0 withdrawn, 5 rejected, 1 duplicates." in out
    assert master(warehouse) == {
        "M1": (1, "Screen 1", ts("2026-12-05T18:00:00"), "Dune: Part Two", "PG-13", 120, "2D", "Drama", True,
               "https://img.example/M1.jpg", ts(A_AT), ts(A_AT), None),
        "M2": (1, "Screen 2", ts("2026-12-05T19:00:00"), 'Ocean\'s "Eleven" — Amélie', "PG-13", 95, "2D", "Drama",
               True, "https://img.example/M2.jpg", ts(A_AT), ts(A_AT), None),
        "M3": (5, "Screen 1", ts("2026-12-06T10:00:00"), "Title M3", "PG-13", None, "2D", "Drama", False,
               "https://img.example/M3.jpg", ts(A_AT), ts(A_AT), None),
        "M4": (2, "Screen 1", ts("2026-11-30T18:00:00"), "Title M4", "PG-13", None, "2D", "Drama", None,
               "https://img.example/M4.jpg", ts(A_AT), ts(A_AT), None),
        "M6": (2, "Screen 2", ts("2026-12-07T23:00:00"), "Title M6", "PG-13", 120, "2D", "Drama", True,
               "https://img.example/M6.jpg", ts(A_AT), ts(A_AT), None),
        "M7": (3, "Screen 1", ts("2026-12-07T18:00:00"), "Title M7", "PG-13", 120, "2D", "Drama", True,
               "https://img.example/M7.jpg", ts(A_AT), ts(A_AT), None),
    }
    assert warehouse.sql("select record_index, reject_reason from marts.rejected_shows order by record_index") == [
        (7, "movie_id is missing"),
        (8, "cinema_id is not an integer"),
        (9, "show_time is not an ISO 8601 timestamp"),
        (10, "screen_name is missing"),
        (11, "record is not a JSON object"),
    ]
    assert log_rows(warehouse) == [(1, 12, 6, 0, 0, 0, 5, 1)]


# The show pipeline's end-to-end tests run on every engine, Spark included (`make test-spark`).
ALL_ENGINES = pytest.mark.parametrize(
    "warehouse",
    ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres), pytest.param("spark", marks=pytest.mark.spark)],
    indirect=True,
)


@ALL_ENGINES
def test_feeds_exercise_every_reconcile_case(
    warehouse: Warehouse, tmp_path: Path, warehouse_templates: WarehouseTemplates
) -> None:
    assert_feed_a_state(warehouse, start_from_feed_a(warehouse, warehouse_templates))
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    out = build_shows(warehouse)

    assert "1 inserted, 1 updated, 2 unchanged, 1 withdrawn, 0 rejected, 0 duplicates" in out
    rows = master(warehouse)
    assert rows["M8"][-3:] == (ts(B_AT), ts(B_AT), None)  # inserted
    assert rows["M2"][8] is False and rows["M2"][-3:] == (ts(A_AT), ts(B_AT), None)  # updated
    assert rows["M3"][-3:] == (ts(A_AT), ts(A_AT), None)  # unchanged: same values, other spellings
    assert rows["M6"][-3:] == (ts(A_AT), ts(B_AT), ts(B_AT))  # withdrawn: cinema 2 in feed, show in future
    assert rows["M4"][-3:] == (ts(A_AT), ts(A_AT), None)  # past show absent: left alone
    assert rows["M7"][-3:] == (ts(A_AT), ts(A_AT), None)  # cinema 3 absent from the feed: left alone
    assert len(rows) == 7

    history = warehouse.sql(
        "select movie_id, change_type, is_active, valid_from, valid_to, withdrawn_at from marts.show_history "
        "where movie_id in ('M2', 'M6') order by movie_id, valid_from"
    )
    assert history == [
        ("M2", "inserted", True, ts(A_AT), ts(B_AT), None),
        ("M2", "updated", False, ts(B_AT), None, None),
        ("M6", "inserted", True, ts(A_AT), ts(B_AT), None),
        ("M6", "withdrawn", True, ts(B_AT), None, ts(B_AT)),
    ]
    assert warehouse.scalar("select count(*) from marts.show_history where valid_to is null") == 7
    assert log_rows(warehouse) == [(1, 12, 6, 0, 0, 0, 5, 1), (1, 4, 1, 1, 2, 1, 0, 0)]

    # every raw record is accounted for: accepted, superseded as a duplicate, or rejected
    assert warehouse.scalar("select count(*) from raw.shows") == 16
    assert dict(
        warehouse.sql("select record_status, count(*) from intermediate.int_show_records_validated group by record_status")
    ) == {"accepted": 10, "duplicate": 1, "rejected": 5}
    # raw keeps the records exactly as the feed spelled them
    assert warehouse.sql(
        "select movie_id, cinema_id, movie_length, is_active, movie_show_time from raw.shows "
        "where movie_id = 'M3' order by _dlt_load_id"
    ) == [("M3", "5", "abc", "f", "2026-12-06T10:00:00"), ("M3", "5", "n/a", "F", "2026-12-06T10:00:00Z")]

    # a withdrawn show that reappears is reinstated (counted as updated)
    land(warehouse, tmp_path, "c.json", FEED_C, C_AT)
    out = build_shows(warehouse)
    assert "0 inserted, 1 updated, 4 unchanged, 0 withdrawn" in out
    assert master(warehouse)["M6"][-3:] == (ts(A_AT), ts(C_AT), None)
    assert warehouse.sql(
        "select change_type, valid_to from marts.show_history where movie_id = 'M6' order by valid_from"
    ) == [("inserted", ts(B_AT)), ("withdrawn", ts(C_AT)), ("reinstated", None)]


@ALL_ENGINES
def test_loads_between_builds_apply_in_load_order(warehouse: Warehouse, tmp_path: Path) -> None:
    land(warehouse, tmp_path, "a.json", FEED_A, A_AT)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    land(warehouse, tmp_path, "c.json", FEED_C, C_AT)
    out = build_shows(warehouse)

    # the same counts as building after each load, summed: 6+1+0, 0+1+1, 0+2+4, 0+1+0
    assert "Reconciled 3 loads (21 records): 7 inserted, 2 updated, 6 unchanged, 1 withdrawn, 5 rejected, 1 duplicates" in out
    rows = master(warehouse)
    assert rows["M6"][-3:] == (ts(A_AT), ts(C_AT), None)
    assert rows["M2"][8] is False
    assert warehouse.sql(
        "select change_type, valid_from, valid_to from marts.show_history where movie_id = 'M6' order by valid_from"
    ) == [("inserted", ts(A_AT), ts(B_AT)), ("withdrawn", ts(B_AT), ts(C_AT)), ("reinstated", ts(C_AT), None)]


@ALL_ENGINES
def test_rebuilding_and_relanding_change_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    build_shows(warehouse)
    before = warehouse.sql(f"select {MASTER_COLUMNS} from marts.master_shows order by movie_id")
    versions = warehouse.scalar("select count(*) from marts.show_history")

    assert "No new show loads to reconcile." in build_shows(warehouse)
    assert len(log_rows(warehouse)) == 1

    # the same feed landed twice more: both loads reconciled, every show unchanged in each
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    land(warehouse, tmp_path, "b.json", FEED_B, B_AT)
    assert "Reconciled 2 loads (8 records): 0 inserted, 0 updated, 8 unchanged, 0 withdrawn" in build_shows(warehouse)
    assert warehouse.sql(f"select {MASTER_COLUMNS} from marts.master_shows order by movie_id") == before
    assert warehouse.scalar("select count(*) from marts.show_history") == versions


def test_naive_show_times_are_read_in_the_feed_time_zone(
    duckdb_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the parsing itself is unit-tested on both engines (stg_shows__shows); this checks the setting
    monkeypatch.setenv("MARQUEE_FEED_TIMEZONE", "Europe/Paris")
    land(duckdb_warehouse, tmp_path, "a.json", [show("M3", 5, "Screen 1", "2026-12-06T10:00:00")], A_AT)
    build_shows(duckdb_warehouse)
    assert duckdb_warehouse.scalar("select show_time from marts.master_shows") == ts("2026-12-06T09:00:00")
