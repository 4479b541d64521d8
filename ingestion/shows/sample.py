"""The bundled sample feeds that `marquee run` lands when no feed is given.

Two versions of the same chain's feed, fetched three days apart: the second
exercises every reconcile case (see data/sample/shows/README.md).
"""

from __future__ import annotations

from datetime import datetime, timezone

from ingestion.settings import SAMPLE_DATA_DIR

SAMPLE_SHOWS_DIR = SAMPLE_DATA_DIR / "shows"

SAMPLE_FEEDS: tuple[tuple[str, datetime], ...] = (
    (str(SAMPLE_SHOWS_DIR / "shows_feed_v1.json"), datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)),
    (str(SAMPLE_SHOWS_DIR / "shows_feed_v2.json"), datetime(2026, 12, 3, 6, 0, tzinfo=timezone.utc)),
)
