"""dlt source for TMDB (The Movie Database) enrichment.

`fetch_items(items, ...)` fetches every work item (the runner reads them
from the dbt model `int_tmdb_work_list`) with one `TmdbClient`, and hands the
outcomes, batch by batch, to a callback that lands each through `tmdb_source`
into `raw` (marquee/runs.py `ingest_tmdb`):

- `raw.tmdb_titles`: one row per fetched title, the details JSON as TMDB sent
  it (`payload`, with videos, credits, external ids, release dates or content
  ratings and watch providers appended).
- `raw.tmdb_fetch_log`: one row per work item attempted: success, not_found or
  failed, the error, the match and when it was attempted. The work list
  leaves out titles fetched successfully within the refresh window, so an
  interrupted run resumes where it stopped.

Credentials come from dlt secrets: `TMDB_API_READ_TOKEN` (bearer, preferred)
or `TMDB_API_KEY` (environment or .dlt/secrets.toml). Without either, the
bundled recorded responses are served on loopback through the same client.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion import redaction
from ingestion.tmdb import settings
from ingestion.tmdb.client import Credentials, TmdbClient
from ingestion.tmdb.fetch import Batch, FetchSummary, WorkItem, fetch_all

log = logging.getLogger(__name__)

TITLE_COLUMNS = {
    "tmdb_id": {"data_type": "bigint", "nullable": False},
    "media_type": {"data_type": "text", "nullable": False},
    "work_item_id": {"data_type": "text", "nullable": False},
    "fetched_at": {"data_type": "timestamp", "nullable": False},
    # the language the details were asked in (`[sources.tmdb] language`): the trailer preference follows it
    "requested_language": {"data_type": "text", "nullable": True},
    "payload": {"data_type": "text", "nullable": False},
}
CONFIGURATION_COLUMNS = {
    "fetched_at": {"data_type": "timestamp", "nullable": False},
    "payload": {"data_type": "text", "nullable": False},
}
CHANGES_COLUMNS = {
    "media_type": {"data_type": "text", "nullable": False},
    "tmdb_id": {"data_type": "bigint", "nullable": True},
    "window_start": {"data_type": "date", "nullable": False},
    "window_end": {"data_type": "date", "nullable": False},
    "listed_at": {"data_type": "timestamp", "nullable": False},
}
FETCH_LOG_COLUMNS = {
    "work_item_id": {"data_type": "text", "nullable": False},
    "lookup_kind": {"data_type": "text", "nullable": False},
    "lookup_value": {"data_type": "text", "nullable": False},
    "year_hint": {"data_type": "bigint", "nullable": True},
    "status": {"data_type": "text", "nullable": False},
    "tmdb_id": {"data_type": "bigint", "nullable": True},
    "media_type": {"data_type": "text", "nullable": True},
    "match_confidence": {"data_type": "double", "nullable": True},
    "match_candidates": {"data_type": "text", "nullable": True},
    "error": {"data_type": "text", "nullable": True},
    "attempted_at": {"data_type": "timestamp", "nullable": False},
}


@dlt.source(name="tmdb", max_table_nesting=0)
def tmdb_source(batch: Batch) -> tuple[DltResource, DltResource]:
    """One batch of outcomes: the fetched titles and the fetch log (both append-only)."""

    @dlt.resource(
        name=settings.RAW_TITLES_TABLE,
        write_disposition="append",
        primary_key=("media_type", "tmdb_id", "fetched_at"),
        columns=TITLE_COLUMNS,
    )
    def tmdb_titles() -> Iterator[list[dict[str, Any]]]:
        if batch.titles:
            yield batch.titles

    @dlt.resource(
        name=settings.RAW_FETCH_LOG_TABLE,
        write_disposition="append",
        primary_key=("work_item_id", "attempted_at"),
        columns=FETCH_LOG_COLUMNS,
    )
    def tmdb_fetch_log() -> Iterator[list[dict[str, Any]]]:
        if batch.fetch_log:
            yield batch.fetch_log

    return tmdb_titles, tmdb_fetch_log


@dlt.source(name="tmdb", max_table_nesting=0)
def tmdb_changes_source(rows: list[dict[str, Any]]) -> DltResource:
    """The change lists of one window (ingestion/tmdb/changes.py), append-only."""

    @dlt.resource(
        name=settings.RAW_CHANGES_TABLE,
        write_disposition="append",
        primary_key=("media_type", "tmdb_id", "listed_at"),
        columns=CHANGES_COLUMNS,
    )
    def tmdb_changes() -> Iterator[list[dict[str, Any]]]:
        if rows:
            yield rows

    return tmdb_changes


@dlt.source(name="tmdb", max_table_nesting=0)
def tmdb_configuration_source(payload: str, fetched_at: datetime) -> DltResource:
    """One answer of TMDB's `/configuration` (the image base URL and sizes), as-is, append-only."""

    @dlt.resource(
        name=settings.RAW_CONFIGURATION_TABLE,
        write_disposition="append",
        primary_key="fetched_at",
        columns=CONFIGURATION_COLUMNS,
    )
    def tmdb_configuration() -> Iterator[dict[str, Any]]:
        yield {"fetched_at": fetched_at, "payload": payload}

    return tmdb_configuration


def resolve_credentials() -> Credentials:
    """TMDB_API_READ_TOKEN or TMDB_API_KEY through dlt secrets (env or .dlt/secrets.toml)."""
    # dlt.secrets looks values up with a secret type hint: traces never keep them
    token = dlt.secrets.get("tmdb_api_read_token")
    key = dlt.secrets.get("tmdb_api_key")
    redaction.register(str(token) if token else None, str(key) if key else None)
    return Credentials(
        read_token=str(token).strip() or None if token else None,
        api_key=str(key).strip() or None if key else None,
    )


@dataclass(frozen=True)
class ClientSettings:
    """How hard the client may use the API: `[sources.tmdb]` of .dlt/config.toml."""

    rate: float  # requests per second, never exceeded over any 1 s window
    max_connections: int  # concurrent requests (and pooled connections)
    connect_timeout: float  # seconds (never above read_timeout)
    read_timeout: float  # seconds
    max_attempts: int  # requests per title before it is given up (429, 5xx, timeouts, bad JSON)
    backoff_base: float  # exponential backoff with full jitter: base * 2**attempt, capped at backoff_max
    backoff_max: float
    max_total_wait: float  # a title gives up once its waits would exceed this many seconds
    land_every: int  # outcomes land every this many titles (one dlt load each)
    progress_every: float  # seconds between progress lines
    language: str  # the language titles are asked in (TMDB's `language`, an IETF tag)

    @classmethod
    def from_config(cls, **overrides: Any) -> ClientSettings:
        """The configured settings (dlt config and its environment variables), then `overrides`."""
        values: dict[str, Any] = {}
        convert = {"int": int, "float": float, "str": lambda value: str(value).strip()}
        for item in fields(cls):
            value = overrides[item.name] if item.name in overrides else dlt.config[f"sources.tmdb.{item.name}"]
            values[item.name] = convert[str(item.type)](value)
        values["connect_timeout"] = min(values["connect_timeout"], values["read_timeout"])
        return cls(**values)


def _client(base_url: str, credentials: Credentials, client_settings: ClientSettings) -> TmdbClient:
    return TmdbClient(
        base_url,
        credentials,
        rate=client_settings.rate,
        max_connections=client_settings.max_connections,
        connect_timeout=client_settings.connect_timeout,
        read_timeout=client_settings.read_timeout,
        max_attempts=client_settings.max_attempts,
        backoff_base=client_settings.backoff_base,
        backoff_max=client_settings.backoff_max,
        max_total_wait=client_settings.max_total_wait,
    )


def fetch_changes(
    start: date, end: date, base_url: str, credentials: Credentials, client_settings: ClientSettings
) -> tuple[list[dict[str, Any]], list[str]]:
    """The change-list rows of `start`..`end` (ingestion/tmdb/changes.py), through one client."""
    from ingestion.tmdb.changes import fetch_change_rows

    async def go() -> tuple[list[dict[str, Any]], list[str]]:
        async with _client(base_url, credentials, client_settings) as client:
            return await fetch_change_rows(client, start, end)

    return asyncio.run(go())


def fetch_configuration(base_url: str, credentials: Credentials, client_settings: ClientSettings) -> str:
    """TMDB's `/configuration` (image base URL and sizes), as JSON text; raises TmdbError."""

    async def go() -> str:
        async with _client(base_url, credentials, client_settings) as client:
            document = await client.get_json("configuration")
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))

    return asyncio.run(go())


def fetch_items(
    items: list[WorkItem],
    base_url: str,
    credentials: Credentials,
    client_settings: ClientSettings,
    land_batch: Callable[[Batch], None],
) -> FetchSummary:
    """Fetch `items` from the API at `base_url` with one client configured by
    `client_settings`, handing outcomes to `land_batch` as they complete: what
    `marquee.runs.ingest_tmdb` does once it has the work list (the benchmark calls it too)."""

    async def go() -> FetchSummary:
        async with _client(base_url, credentials, client_settings) as client:
            return await fetch_all(
                items,
                client,
                land_batch,
                land_every=client_settings.land_every,
                workers=client_settings.max_connections,
                progress_every=client_settings.progress_every,
                language=client_settings.language,
            )

    return asyncio.run(go())


