"""The old show sync (../shared/reference/showtimes-sync-system.md), re-implemented
faithfully in Python: the baseline every scenario compares against.

1. syncFromApi: parse the feed, split it into chunks of 100 records, and in one
   transaction per chunk upsert each record, one statement per record
   (`insert ... on conflict (key) do update`), into the staging table
   `sync_show` (unique on movieID, cinemaId, screenName, showTime).
2. reconcileToMaster: read every staging row, and per chunk of 100 rows look
   each one up in `master_show` by its key (one select per row), compare the
   attributes field by field (hasChanged), and apply the inserts and updates
   of the chunk in one transaction.

The driver is psycopg2 on PostgreSQL and the duckdb module on DuckDB, both
with parameterised statements, as an ORM would send them. Values are typed as
Prisma would (timestamp, integers); a record whose key cannot be read is
skipped (the old system would have crashed on it). The old system knows no
withdrawals and no history. It runs on a slice of the feed and is reported
per row.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ijson

CHUNK = 100
ATTRIBUTES = ("title", "rating", "length", "format", "genere", "is_active", "image_url")
KEY = ("movie_id", "cinema_id", "screen_name", "show_time")
COLUMNS = KEY + ATTRIBUTES

_DDL = """
create table {name} (
    id {serial},
    movie_id text not null,
    cinema_id integer not null,
    screen_name text not null,
    show_time timestamp not null,
    title text,
    rating text,
    length integer,
    format text,
    genere text,
    is_active text,
    image_url text,
    created_at timestamp not null default current_timestamp,
    updated_at timestamp not null default current_timestamp,
    unique (movie_id, cinema_id, screen_name, show_time)
)
"""


@dataclass
class BaselineResult:
    rows: int
    seconds: float
    sync_seconds: float
    reconcile_seconds: float
    inserted: int
    updated: int
    unchanged: int

    @property
    def seconds_per_row(self) -> float:
        return self.seconds / self.rows


class OldSync:
    """The old algorithm against one connection (psycopg2 or duckdb)."""

    def __init__(self, conn: Any, engine: str) -> None:
        self.conn = conn
        self.engine = engine
        self.mark = "%s" if engine == "postgres" else "?"

    def _cursor(self) -> Any:
        # a duckdb cursor is a second connection: stay on the one that commits
        return self.conn.cursor() if self.engine == "postgres" else self.conn

    def create_tables(self) -> None:
        cur = self._cursor()
        if self.engine == "duckdb":
            for name in ("sync_show", "master_show"):
                cur.execute(f"create sequence if not exists {name}_id_seq")
                cur.execute(_DDL.format(name=name, serial=f"integer primary key default nextval('{name}_id_seq')"))
        else:
            for name in ("sync_show", "master_show"):
                cur.execute(_DDL.format(name=name, serial="serial primary key"))
            self.conn.commit()

    def _begin(self, cur: Any) -> None:
        if self.engine == "duckdb":
            cur.execute("begin transaction")

    def _commit(self) -> None:
        self.conn.commit()

    def sync(self, records: list[dict[str, Any]], deadline: float = float("inf")) -> int:
        """syncFromApi: per-record upserts, one transaction per 100 records.

        Stops at the first chunk boundary after `deadline` (time.perf_counter());
        returns how many records it synced."""
        m = self.mark
        columns = ", ".join(COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ATTRIBUTES)
        statement = (
            f"insert into sync_show ({columns}) values ({', '.join([m] * len(COLUMNS))}) "
            f"on conflict (movie_id, cinema_id, screen_name, show_time) do update set {updates}, "
            "updated_at = now()"
        )
        cur = self._cursor()
        synced = 0
        for chunk in _chunks(records, CHUNK):
            if time.perf_counter() > deadline:
                break
            self._begin(cur)
            for record in chunk:
                cur.execute(statement, tuple(record[c] for c in COLUMNS))
            self._commit()
            synced += len(chunk)
        return synced

    def reconcile(self) -> tuple[int, int, int]:
        """reconcileToMaster: per-row read, compare, and write in chunks of 100."""
        m = self.mark
        cur = self._cursor()
        cur.execute(f"select {', '.join(COLUMNS)} from sync_show")
        staged = [dict(zip(COLUMNS, row, strict=True)) for row in cur.fetchall()]
        if self.engine == "postgres":
            self.conn.commit()
        lookup = (
            f"select id, {', '.join(ATTRIBUTES)} from master_show "
            f"where movie_id = {m} and cinema_id = {m} and screen_name = {m} and show_time = {m}"
        )
        insert = f"insert into master_show ({', '.join(COLUMNS)}) values ({', '.join([m] * len(COLUMNS))})"
        update = (
            f"update master_show set {', '.join(f'{c} = {m}' for c in ATTRIBUTES)}, updated_at = now() "
            f"where id = {m}"
        )
        inserted = updated = unchanged = 0
        for chunk in _chunks(staged, CHUNK):
            operations: list[tuple[str, tuple[Any, ...]]] = []
            for row in chunk:
                cur.execute(lookup, tuple(row[c] for c in KEY))
                found = cur.fetchone()
                if found is None:
                    operations.append((insert, tuple(row[c] for c in COLUMNS)))
                    inserted += 1
                elif _has_changed(row, found[1:]):
                    operations.append((update, (*(row[c] for c in ATTRIBUTES), found[0])))
                    updated += 1
                else:
                    unchanged += 1
            if self.engine == "postgres":
                self.conn.commit()  # end the read transaction psycopg2 opened
            if operations:
                self._begin(cur)
                for statement, params in operations:
                    cur.execute(statement, params)
                self._commit()
        return inserted, updated, unchanged


def _has_changed(row: dict[str, Any], master: tuple[Any, ...]) -> bool:
    return any(row[c] != value for c, value in zip(ATTRIBUTES, master, strict=True))


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _integer(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _typed(record: Any) -> dict[str, Any] | None:
    """A feed record as the old Prisma model stores it, or None if its key is unreadable."""
    if not isinstance(record, dict):
        return None
    try:
        moment = datetime.fromisoformat(str(record.get("movie_showTime")).strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    cinema = _integer(record.get("cinema_id"))
    if not record.get("movie_ID") or cinema is None or not str(record.get("screen_name") or "").strip():
        return None
    return {
        "movie_id": str(record["movie_ID"]),
        "cinema_id": cinema,
        "screen_name": str(record["screen_name"]),
        "show_time": moment,
        "title": _text(record.get("movie_title")),
        "rating": _text(record.get("movie_rating")),
        "length": _integer(record.get("movie_length")),
        "format": _text(record.get("movie_format")),
        "genere": _text(record.get("movie_genere")),
        "is_active": _text(record.get("is_active")),
        "image_url": _text(record.get("movie_image_new")),
    }


def read_slice(feed: Path, rows: int) -> list[dict[str, Any]]:
    """The first `rows` records of the feed, typed (the old system parsed the whole file)."""
    with feed.open("rb") as handle:
        records = itertools.islice(ijson.items(handle, "data.allShows.item", use_float=True), rows)
        return [typed for typed in map(_typed, records) if typed is not None]


def run_old_sync(sync: OldSync, feed: Path, rows: int, budget_seconds: float = float("inf")) -> BaselineResult:
    """Parse a slice of `feed`, sync it and reconcile it, timing each part.

    The slice is the first `rows` records, or fewer when syncing them would take
    longer than `budget_seconds` (the per-row cost is what is reported)."""
    started = time.perf_counter()
    records = read_slice(feed, rows)
    count = sync.sync(records, deadline=started + budget_seconds)
    records = records[:count]
    synced = time.perf_counter()
    inserted, updated, unchanged = sync.reconcile()
    finished = time.perf_counter()
    return BaselineResult(
        rows=len(records),
        seconds=finished - started,
        sync_seconds=synced - started,
        reconcile_seconds=finished - synced,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
    )
