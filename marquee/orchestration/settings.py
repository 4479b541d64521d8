"""The [orchestration] section of .dlt/config.toml (each key overridable by ORCHESTRATION__<KEY>)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import dlt

from ingestion import redaction
from ingestion.errors import MarqueeError

SECTION = "orchestration"
TRIGGER_SECRET_VARIABLE = "MARQUEE_TRIGGER_SECRET"
ALERT_WEBHOOK_VARIABLE = "MARQUEE_ALERT_WEBHOOK_URL"
# Where the Dagster webserver answers (`marquee serve` submits runs there; alerts link to it).
DAGSTER_URL_VARIABLE = "MARQUEE_DAGSTER_URL"
DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"


def _config(key: str, default: object) -> object:
    value = dlt.config.get(f"{SECTION}.{key}")
    return default if value is None else value


@dataclass(frozen=True)
class OrchestrationSettings:
    shows_sources: tuple[str, ...]
    app_source: str | None
    schedule_cron: str
    schedule_timezone: str
    watch: str | None
    sensor_interval_seconds: int
    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float

    @classmethod
    def load(cls) -> OrchestrationSettings:
        shows = _config("shows_sources", [])
        if isinstance(shows, str):  # ORCHESTRATION__SHOWS_SOURCES: a JSON list, or one source
            shows = json.loads(shows) if shows.strip().startswith("[") else [shows] if shows.strip() else []
        settings = cls(
            shows_sources=tuple(str(source) for source in shows),  # type: ignore[union-attr]
            app_source=str(_config("app_source", "")) or None,
            schedule_cron=str(_config("schedule_cron", "0 6 * * *")),
            schedule_timezone=str(_config("schedule_timezone", "UTC")),
            watch=str(_config("watch", "")) or None,
            sensor_interval_seconds=int(_config("sensor_interval_seconds", 300)),  # type: ignore[call-overload]
            max_attempts=int(_config("max_attempts", 3)),  # type: ignore[call-overload]
            backoff_base_seconds=float(_config("backoff_base_seconds", 1.0)),  # type: ignore[arg-type]
            backoff_max_seconds=float(_config("backoff_max_seconds", 10.0)),  # type: ignore[arg-type]
        )
        if settings.max_attempts < 1:
            raise MarqueeError(f"{SECTION}.max_attempts must be at least 1, not {settings.max_attempts}")
        # the sources may carry credentials (a feed URL's password or token, the app database's)
        for url in (*settings.shows_sources, settings.app_source, settings.watch):
            redaction.register(*redaction.url_secrets(url))
        return settings

    def backoff_seconds(self, attempt: int) -> float:
        """The wait before attempt `attempt + 1` (attempt 1 is the first): base * 2**(attempt-1), capped."""
        return min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** (attempt - 1))


def secret(variable: str) -> str | None:
    """A secret of the orchestration (the trigger secret, the webhook URL): the environment
    variable, else .dlt/secrets.toml's [orchestration] key of the same name in lower case."""
    value = os.environ.get(variable) or dlt.secrets.get(f"{SECTION}.{variable.lower()}")
    if value:
        redaction.register(str(value))
    return str(value) if value else None


def dagster_url() -> str:
    return (os.environ.get(DAGSTER_URL_VARIABLE) or DEFAULT_DAGSTER_URL).rstrip("/")
