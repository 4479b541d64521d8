"""TMDB's change lists: which titles changed in a window of days.

`/movie/changes` and `/tv/changes` list the ids of every title changed between `start_date`
and `end_date` (at most 14 days apart), 100 per page. The runner asks for the window the dbt model
tagged `marquee_tmdb_change_window` names (from the last window covered, see its SQL), lands the
rows into `raw.tmdb_changes`, and the work list then refetches a known title whose id a later day's
list names, even inside the refresh window.

Rows: one per (media type, id) listed, and one marker row per media type with a null id: "this
window was covered" (so an empty list is covered too). A media type whose list could not be read
lands no marker: the window is asked again next time.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

from ingestion.tmdb.client import TmdbClient, TmdbError
from ingestion.tmdb.settings import CHANGE_LIST_MAX_PAGES, CHANGE_LIST_PATHS

log = logging.getLogger(__name__)


async def fetch_change_rows(client: TmdbClient, start: date, end: date) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of the change lists of `start`..`end`, and the one-line problems of the lists that failed."""
    listed_at = datetime.now(timezone.utc)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for media_type, path in CHANGE_LIST_PATHS.items():
        ids: set[int] = set()
        try:
            page, pages = 1, 1
            while page <= min(pages, CHANGE_LIST_MAX_PAGES):
                document = await client.get_json(
                    path, {"start_date": start.isoformat(), "end_date": end.isoformat(), "page": page}
                )
                pages = int(document.get("total_pages") or 1)
                for result in document.get("results") or []:
                    if isinstance(result, dict) and isinstance(result.get("id"), int) and not isinstance(result["id"], bool):
                        ids.add(result["id"])
                page += 1
        except (TmdbError, ValueError, TypeError) as exc:
            problems.append(f"{media_type} change list: {exc}")
            continue
        base = {"media_type": media_type, "window_start": start, "window_end": end, "listed_at": listed_at}
        rows.append({**base, "tmdb_id": None})
        rows.extend({**base, "tmdb_id": tmdb_id} for tmdb_id in sorted(ids))
    return rows, problems
