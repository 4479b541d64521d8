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
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion import redaction
from ingestion.errors import MarqueeError
from ingestion.tmdb import settings
from ingestion.tmdb.client import Credentials, TmdbClient
from ingestion.tmdb.fetch import Batch, FetchSummary, WorkItem, fetch_all

log = logging.getLogger(__name__)

TITLE_COLUMNS = {
    "tmdb_id": {"data_type": "bigint", "nullable": False},
    "media_type": {"data_type": "text", "nullable": False},
    "work_item_id": {"data_type": "text", "nullable": False},
    "fetched_at": {"data_type": "timestamp", "nullable": False},
    "payload": {"data_type": "text", "nullable": False},
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
    rate: float = settings.RATE_LIMIT_PER_SECOND
    max_connections: int = settings.MAX_CONNECTIONS
    connect_timeout: float = settings.CONNECT_TIMEOUT_SECONDS
    read_timeout: float = settings.READ_TIMEOUT_SECONDS
    max_attempts: int = settings.MAX_ATTEMPTS
    backoff_base: float = settings.BACKOFF_BASE_SECONDS
    backoff_max: float = settings.BACKOFF_MAX_SECONDS
    max_total_wait: float = settings.MAX_TOTAL_WAIT_SECONDS
    land_every: int = settings.LAND_EVERY_TITLES

    @classmethod
    def from_environment(cls) -> ClientSettings:
        env = os.environ

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                return default
            try:
                value = float(raw)
            except ValueError:
                raise MarqueeError(f"{name} must be a number, not {raw!r}") from None
            if value <= 0:
                raise MarqueeError(f"{name} must be positive, not {raw!r}")
            return value

        return cls(
            rate=number("TMDB_RATE_LIMIT", cls.rate),
            max_connections=int(number("TMDB_MAX_CONNECTIONS", cls.max_connections)),
            read_timeout=number("TMDB_TIMEOUT_SECONDS", cls.read_timeout),
            connect_timeout=min(cls.connect_timeout, number("TMDB_TIMEOUT_SECONDS", cls.connect_timeout)),
            max_attempts=int(number("TMDB_MAX_ATTEMPTS", cls.max_attempts)),
            backoff_base=number("TMDB_BACKOFF_BASE_SECONDS", cls.backoff_base),
            max_total_wait=number("TMDB_MAX_TOTAL_WAIT_SECONDS", cls.max_total_wait),
            land_every=int(number("TMDB_LAND_EVERY", cls.land_every)),
        )


def fetch_items(
    items: list[WorkItem],
    base_url: str,
    credentials: Credentials,
    client_settings: ClientSettings,
    land_batch: Callable[[Batch], None],
    progress_every: float = settings.PROGRESS_EVERY_SECONDS,
) -> FetchSummary:
    """Fetch `items` from the API at `base_url` with one client configured by
    `client_settings`, handing outcomes to `land_batch` as they complete: what
    `marquee.runs.ingest_tmdb` does once it has the work list (the benchmark calls it too)."""

    async def go() -> FetchSummary:
        async with TmdbClient(
            base_url,
            credentials,
            rate=client_settings.rate,
            max_connections=client_settings.max_connections,
            connect_timeout=client_settings.connect_timeout,
            read_timeout=client_settings.read_timeout,
            max_attempts=client_settings.max_attempts,
            backoff_base=client_settings.backoff_base,
            backoff_max=settings.BACKOFF_MAX_SECONDS,
            max_total_wait=client_settings.max_total_wait,
        ) as client:
            return await fetch_all(
                items,
                client,
                land_batch,
                land_every=client_settings.land_every,
                workers=client_settings.max_connections,
                progress_every=progress_every,
            )

    return asyncio.run(go())


