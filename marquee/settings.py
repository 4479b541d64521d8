"""The documented environment variables that predate `.dlt/config.toml`, mapped onto it.

Source settings have one home: their section of `.dlt/config.toml`
(`[sources.shows]`, ...), overridable the dlt way (`SOURCES__SHOWS__DEADLINE_SECONDS`)
or by an explicit argument. The README's variables keep working: the runner
passes each one that is set as that argument, so it wins over the file.
"""

from __future__ import annotations

import os
from typing import Any

from ingestion.errors import MarqueeError

# source -> documented variable -> (argument of the source, its type)
DOCUMENTED_VARIABLES: dict[str, dict[str, tuple[str, type]]] = {
    "shows": {"MARQUEE_FEED_DEADLINE_SECONDS": ("deadline_seconds", float)},
    "tmdb": {
        "TMDB_API_BASE_URL": ("api_base_url", str),
        "TMDB_RATE_LIMIT": ("rate", float),
        "TMDB_MAX_CONNECTIONS": ("max_connections", int),
        "TMDB_TIMEOUT_SECONDS": ("read_timeout", float),
        "TMDB_MAX_ATTEMPTS": ("max_attempts", int),
        "TMDB_BACKOFF_BASE_SECONDS": ("backoff_base", float),
        "TMDB_MAX_TOTAL_WAIT_SECONDS": ("max_total_wait", float),
        "TMDB_LAND_EVERY": ("land_every", int),
        "TMDB_LANGUAGE": ("language", str),
    },
}


def source_overrides(source: str) -> dict[str, Any]:
    """The arguments the documented variables set for `source` (only those set)."""
    overrides: dict[str, Any] = {}
    for variable, (argument, kind) in DOCUMENTED_VARIABLES.get(source, {}).items():
        raw = os.environ.get(variable, "").strip()
        if not raw:
            continue
        if kind is str:
            overrides[argument] = raw
            continue
        try:
            value = float(raw)
        except ValueError:
            raise MarqueeError(f"{variable} must be a number, not {raw!r}") from None
        if value <= 0:
            raise MarqueeError(f"{variable} must be positive, not {raw!r}")
        overrides[argument] = int(value) if kind is int else value
    return overrides
