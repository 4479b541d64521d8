"""Fetch the work list: one outcome per title, landed in batches as it goes.

A work item is what the work-list model asks for: a film title of the show
feed to search (`title`), a TMDB id (`movie` / `tv`), or an IMDb id to resolve
through `/find` (`imdb`). Each ends as exactly one outcome row
(success / not_found / failed, with the error and the attempt time) and, on
success, one raw title row holding the details JSON as TMDB sent it.
Outcomes are handed to `land_batch` every `land_every` titles (and at the
end, and before an authentication error stops the run), so a run stopped at
any point keeps everything landed before and the next run only asks for the
rest.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ingestion.tmdb import settings
from ingestion.tmdb.client import TmdbClient, TmdbError, TmdbNotFound
from ingestion.tmdb.matching import choose_match, query_variants

LOOKUP_KINDS = ("title", "movie", "tv", "imdb")


@dataclass(frozen=True)
class WorkItem:
    work_item_id: str
    lookup_kind: str  # title | movie | tv | imdb
    lookup_value: str
    year_hint: int | None = None
    # a title search's best match is used at or above this confidence: the work list's
    # column (dbt var tmdb_min_match_confidence, which int_tmdb_show_matches applies too)
    min_match_confidence: float = field(kw_only=True)


@dataclass
class Batch:
    titles: list[dict[str, Any]] = field(default_factory=list)
    fetch_log: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FetchSummary:
    titles: int = 0
    fetched: int = 0
    not_found: int = 0
    failed: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    loads: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"TMDB: {self.titles:,} title{'s' if self.titles != 1 else ''}: {self.fetched:,} fetched, {self.not_found:,} not found, "
            f"{self.failed:,} failed; {self.requests:,} requests ({self.retries:,} retries) in "
            f"{self.seconds:.1f}s = {self.rate:.1f} requests/s; {self.loads} load{'s' if self.loads != 1 else ''}."
        )


def _now() -> datetime:
    return datetime.now(timezone.utc)


# what the fetch asks in when no language is given (the configured one: [sources.tmdb] language)
DEFAULT_LANGUAGE = "en-US"


class Fetcher:
    """Turns work items into outcome rows through one `TmdbClient`."""

    def __init__(self, client: TmdbClient, language: str = DEFAULT_LANGUAGE) -> None:
        self.client = client
        self.language = language
        # one details request per TMDB title per run, however many items lead to it
        self._details: dict[tuple[str, int], asyncio.Future[dict[str, Any]]] = {}

    async def details(self, media_type: str, tmdb_id: int) -> tuple[dict[str, Any], bool]:
        """The details document and whether this call fetched it (False: shared)."""
        key = (media_type, tmdb_id)
        if key in self._details:
            return await asyncio.shield(self._details[key]), False
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._details[key] = future
        append = settings.MOVIE_APPEND if media_type == "movie" else settings.TV_APPEND
        try:
            document = await self.client.get_json(
                f"/{media_type}/{tmdb_id}", {"append_to_response": append, "language": self.language}
            )
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: sharing callers re-raise it themselves
            raise
        future.set_result(document)
        return document, True

    async def resolve(self, item: WorkItem) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Fetch one work item: (outcome row, title rows)."""
        outcome: dict[str, Any] = {
            "work_item_id": item.work_item_id,
            "lookup_kind": item.lookup_kind,
            "lookup_value": item.lookup_value,
            "year_hint": item.year_hint,
            "status": "failed",
            "tmdb_id": None,
            "media_type": None,
            "match_confidence": None,
            "match_candidates": None,
            "error": None,
            "attempted_at": _now(),
        }
        titles: list[dict[str, Any]] = []
        try:
            media_type, tmdb_id = await self._identify(item, outcome)
            if tmdb_id is None:
                outcome["status"] = "not_found"
                return outcome, titles
            outcome["media_type"], outcome["tmdb_id"] = media_type, tmdb_id
            document, fetched_here = await self.details(media_type, tmdb_id)
            if fetched_here:
                titles.append(
                    {
                        "tmdb_id": tmdb_id,
                        "media_type": media_type,
                        "work_item_id": item.work_item_id,
                        "fetched_at": _now(),
                        "requested_language": self.language,
                        "payload": json.dumps(document, ensure_ascii=False, separators=(",", ":")),
                    }
                )
            outcome["status"] = "success"
        except TmdbNotFound as exc:
            outcome["status"], outcome["error"] = "not_found", str(exc)
        except TmdbError as exc:
            outcome["status"], outcome["error"] = "failed", self.client.credentials.redact(str(exc))
        return outcome, titles

    async def _identify(self, item: WorkItem, outcome: dict[str, Any]) -> tuple[str, int | None]:
        if item.lookup_kind in ("movie", "tv"):
            return item.lookup_kind, int(item.lookup_value)
        if item.lookup_kind == "imdb":
            found = await self.client.get_json(f"/find/{item.lookup_value}", {"external_source": "imdb_id"})
            for media_type in ("movie", "tv"):
                results = found.get(f"{media_type}_results") or []
                if results and isinstance(results[0], dict) and isinstance(results[0].get("id"), int):
                    outcome["match_confidence"] = 1.0
                    return media_type, results[0]["id"]
            outcome["error"] = "no movie or series with this IMDb id"
            return "movie", None
        # a show-feed title: search, then choose
        candidates: list[dict[str, Any]] = []
        for query in query_variants(item.lookup_value):
            page = await self.client.get_json(
                "/search/movie", {"query": query, "include_adult": "false", "language": self.language, "page": 1}
            )
            candidates = [c for c in page.get("results") or [] if isinstance(c, dict)]
            if candidates:
                break
        match = choose_match(candidates, item.lookup_value, item.year_hint)
        outcome["match_candidates"] = json.dumps(
            [
                {k: c.get(k) for k in ("id", "title", "original_title", "release_date", "popularity")}
                for c in candidates[: settings.SEARCH_CANDIDATES_KEPT]
            ],
            ensure_ascii=False,
        )
        if match is None:
            outcome["error"] = "no search results"
            return "movie", None
        outcome["match_confidence"] = match.confidence
        if match.confidence < item.min_match_confidence:
            outcome["tmdb_id"] = match.tmdb_id
            outcome["error"] = f"no confident match (best: TMDB {match.tmdb_id} {match.title!r}, {match.confidence})"
            return "movie", None
        return "movie", match.tmdb_id


async def fetch_all(
    items: Sequence[WorkItem],
    client: TmdbClient,
    land_batch: Callable[[Batch], None],
    land_every: int,
    workers: int,
    progress_every: float,
    language: str = DEFAULT_LANGUAGE,
) -> FetchSummary:
    """Fetch every item in `language`; land outcomes every `land_every` titles. Auth errors stop it all."""
    fetcher = Fetcher(client, language)
    summary = FetchSummary(titles=len(items))
    queue: asyncio.Queue[WorkItem] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    pending = Batch()
    land_lock = asyncio.Lock()
    done = 0
    started = time.monotonic()
    last_progress = started

    async def flush() -> None:
        nonlocal pending
        async with land_lock:
            if not pending.fetch_log:
                return
            batch, pending = pending, Batch()
            await asyncio.to_thread(land_batch, batch)
            summary.loads += 1

    def progress(final: bool = False) -> None:
        nonlocal last_progress
        now = time.monotonic()
        if not final and now - last_progress < progress_every:
            return
        last_progress = now
        elapsed = max(now - started, 1e-9)
        width = 24
        filled = int(width * done / max(len(items), 1))
        print(
            f"TMDB [{'#' * filled}{'.' * (width - filled)}] {done}/{len(items)} titles "
            f"({summary.fetched} fetched, {summary.not_found} not found, {summary.failed} failed) "
            f"{client.stats.requests} requests, {client.stats.requests / elapsed:.1f}/s",
            file=sys.stderr,
            flush=True,
        )

    async def worker() -> None:
        nonlocal done
        while True:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            outcome, titles = await fetcher.resolve(item)
            pending.fetch_log.append(outcome)
            pending.titles.extend(titles)
            done += 1
            status = outcome["status"]
            if status == "success":
                summary.fetched += 1
            elif status == "not_found":
                summary.not_found += 1
            else:
                summary.failed += 1
            progress()
            if len(pending.fetch_log) >= land_every:
                await flush()

    tasks = [asyncio.create_task(worker()) for _ in range(max(1, min(workers, len(items))))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.shield(flush())  # keep what was fetched before the stop
        raise
    finally:
        summary.requests, summary.retries = client.stats.requests, client.stats.retries
        summary.seconds = time.monotonic() - started  # the fetching, not the final landing
    await flush()
    if items:
        progress(final=True)
    return summary
