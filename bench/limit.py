"""The machine's limit: the least work that lands a feed, and a bare set-based merge.

Bare load: the fastest way we found to get the feed's rows into a bare table
(no constraints, no typing): msgspec (native) splits the document into its
records' bytes and decodes them, 50,000 at a time, into structs of the feed's
fields (unknown fields skipped unread), which become Arrow text columns (as
raw), then DuckDB creates the table straight from the Arrow table, and
PostgreSQL takes it through `COPY ... FROM STDIN (FORMAT csv)`. Measured on a
1M-show feed on this machine: this parse 4.9 s; orjson into dicts 9.1 s;
msgspec into one list of structs 5.0 s (and 1.2 GiB); DuckDB's own `read_json`
20.5 s (and 2.2 GiB: one object holding one huge array is read by one thread);
Arrow's JSON reader cannot keep numbers as text.

Bare merge (S2's limit): the bare load of the new feed, then three hand-written
statements against a master with a unique key: type and deduplicate the
incoming rows, `insert ... on conflict do update ... where` the row hash
differs, and mark the withdrawals with one anti-join update. No history, no
log, no tests: what any set-based reconcile cannot do without.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.csv

from ingestion.shows.feed import split_document

FIELDS = (
    "movie_showTime",
    "screen_name",
    "is_active",
    "movie_ID",
    "movie_title",
    "movie_rating",
    "movie_length",
    "movie_format",
    "cinema_id",
    "movie_genere",
    "movie_image_new",
)


@dataclass
class LimitResult:
    seconds: float
    parse_seconds: float
    load_seconds: float
    merge_seconds: float = 0.0


BATCH = 50_000
_Show = msgspec.defstruct(
    "_Show", [(f.lower(), Any, None) for f in FIELDS], rename={f.lower(): f for f in FIELDS}
)
_SHOWS = msgspec.json.Decoder(list[_Show])


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    if type(value) is bool:
        return "true" if value else "false"
    return str(value)


def _column(values: list[Any]) -> pa.Array:
    try:
        return pa.array(values, pa.string())
    except (pa.ArrowException, TypeError):
        return pa.array([_text(v) for v in values], pa.string())


def parse_feed(feed: Path) -> pa.Table:
    """The feed's records as an Arrow table of text columns plus record_index."""
    raws = split_document(feed.read_bytes())
    if raws is None:
        raise ValueError(f"{feed}: not a feed the bare load reads")
    parts = []
    for start in range(0, len(raws), BATCH):
        shows = _SHOWS.decode(b"[" + b",".join(raws[start : start + BATCH]) + b"]")
        columns = {f.lower(): _column([getattr(s, f.lower()) for s in shows]) for f in FIELDS}
        columns["record_index"] = pa.array(range(start, start + len(shows)), pa.int64())
        parts.append(pa.table(columns))
    return pa.concat_tables(parts)


def _bare_columns() -> str:
    return ", ".join(f"{f.lower()} text" for f in FIELDS) + ", record_index bigint"


def bare_load(conn: Any, engine: str, feed: Path, table: str = "bare_shows") -> LimitResult:
    """Parse `feed` and load its rows into a new bare table `table`."""
    started = time.perf_counter()
    arrow_table = parse_feed(feed)
    parsed = time.perf_counter()
    cur = conn.cursor()
    if engine == "duckdb":
        conn.register("incoming_arrow", arrow_table)
        conn.execute(f"create table {table} as select * from incoming_arrow")
        conn.unregister("incoming_arrow")
    else:
        buffer = io.BytesIO()
        pyarrow.csv.write_csv(arrow_table, buffer)
        buffer.seek(0)
        cur.execute(f"create table {table} ({_bare_columns()})")
        cur.copy_expert(f"copy {table} from stdin (format csv, header true)", buffer)
        conn.commit()
    finished = time.perf_counter()
    return LimitResult(seconds=finished - started, parse_seconds=parsed - started, load_seconds=finished - parsed)


_MASTER_DDL = """
create table master (
    movie_id text not null,
    cinema_id bigint not null,
    screen_name text not null,
    show_time timestamp not null,
    title text, rating text, length_minutes bigint, format text, genre text, is_active boolean, image_url text,
    row_hash text not null,
    first_seen_at timestamp not null,
    last_changed_at timestamp not null,
    withdrawn_at timestamp,
    primary key (movie_id, cinema_id, screen_name, show_time)
)
"""


def _typed_sql(engine: str, table: str) -> str:
    if engine == "duckdb":
        cinema = "try_cast(trim(cinema_id) as bigint)"
        show_time = "timezone('UTC', try_cast(trim(movie_showtime) as timestamptz))"
        length = "try_cast(trim(movie_length) as bigint)"
    else:
        cinema = "case when trim(cinema_id) ~ '^[0-9]{1,18}$' then trim(cinema_id)::bigint end"
        show_time = (
            "case when movie_showtime ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "
            "then movie_showtime::timestamptz at time zone 'UTC' end"
        )
        length = "case when trim(movie_length) ~ '^[0-9]{1,9}$' then trim(movie_length)::bigint end"
    attributes = (
        "nullif(trim(movie_title), '') as title, nullif(trim(movie_rating), '') as rating, "
        f"{length} as length_minutes, nullif(trim(movie_format), '') as format, "
        "nullif(trim(movie_genere), '') as genre, "
        "case when lower(trim(is_active)) in ('1', 'true', 't', 'yes', 'y') then true "
        "when lower(trim(is_active)) in ('0', 'false', 'f', 'no', 'n') then false end as is_active, "
        "nullif(trim(movie_image_new), '') as image_url"
    )
    hashed = " || '|' || ".join(
        f"coalesce(cast({c} as text), '~')"
        for c in ("title", "rating", "length_minutes", "format", "genre", "is_active", "image_url")
    )
    return f"""
        create temporary table incoming as
        with typed as (
            select
                record_index,
                nullif(trim(movie_id), '') as movie_id,
                {cinema} as cinema_id,
                nullif(trim(screen_name), '') as screen_name,
                {show_time} as show_time,
                {attributes}
            from {table}
        ),
        ranked as (
            select *, row_number() over (
                partition by movie_id, cinema_id, screen_name, show_time order by record_index desc
            ) as recency
            from typed
            where movie_id is not null and cinema_id is not null and screen_name is not null and show_time is not null
        )
        select
            movie_id, cinema_id, screen_name, show_time,
            title, rating, length_minutes, format, genre, is_active, image_url,
            md5({hashed}) as row_hash
        from ranked
        where recency = 1
    """


def _merge_statements(fetched_at: str) -> list[str]:
    columns = "movie_id, cinema_id, screen_name, show_time, title, rating, length_minutes, format, genre, "
    columns += "is_active, image_url, row_hash"
    updates = ", ".join(
        f"{c} = excluded.{c}"
        for c in ("title", "rating", "length_minutes", "format", "genre", "is_active", "image_url", "row_hash")
    )
    at = f"cast('{fetched_at}' as timestamp)"
    return [
        f"""
        insert into master ({columns}, first_seen_at, last_changed_at)
        select {columns}, {at}, {at} from incoming
        on conflict (movie_id, cinema_id, screen_name, show_time) do update
        set {updates}, last_changed_at = excluded.last_changed_at, withdrawn_at = null
        where master.row_hash <> excluded.row_hash or master.withdrawn_at is not null
        """,
        f"""
        update master set withdrawn_at = {at}
        where
            withdrawn_at is null
            and show_time > {at}
            and cinema_id in (select distinct cinema_id from incoming)
            and not exists (
                select 1 from incoming
                where
                    incoming.movie_id = master.movie_id and incoming.cinema_id = master.cinema_id
                    and incoming.screen_name = master.screen_name and incoming.show_time = master.show_time
            )
        """,
    ]


def merge(conn: Any, engine: str, table: str, fetched_at: str) -> float:
    """Type, deduplicate and merge bare table `table` into `master`; seconds."""
    started = time.perf_counter()
    cur = conn.cursor()
    if engine == "postgres":
        cur.execute("set timezone = 'UTC'")
    cur.execute("drop table if exists incoming")
    cur.execute(_typed_sql(engine, table))
    for statement in _merge_statements(fetched_at):
        cur.execute(statement)
    if engine == "postgres":
        conn.commit()
    return time.perf_counter() - started


def create_master(conn: Any, engine: str) -> None:
    conn.cursor().execute(_MASTER_DDL)
    if engine == "postgres":
        conn.commit()
