"""When a sync runs by itself: the daily schedule, and the sensor that notices a changed feed.

The sensor watches `[orchestration] watch`:
- a feed URL: a conditional GET (If-None-Match / If-Modified-Since from the last answer's ETag /
  Last-Modified). 304 means unchanged; a 200 whose validators (or, without any, whose body's
  SHA-256) differ from the last run's starts one. The run lands the configured feeds, else the URL.
- a directory: each new or rewritten file (name, size and modification time) starts a run that
  lands those files in name order (then the configured feeds are not landed: the files are the feed).
The sensor's cursor remembers what it last saw, and each run's key is derived from it, so a
restart of the daemon neither misses a change nor starts a second run for the same one. A feed
that cannot be reached is a skip with the reason (the next tick tries again), not an error.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dagster as dg
import httpx

from ingestion import redaction
from ingestion.errors import first_line
from marquee.orchestration.settings import OrchestrationSettings

SYNC_JOB_NAME = "marquee_sync"
POLL_TIMEOUT_SECONDS = 30.0


def sync_schedule(job: dg.UnresolvedAssetJobDefinition, settings: OrchestrationSettings) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="marquee_daily",
        job=job,
        cron_schedule=settings.schedule_cron,
        execution_timezone=settings.schedule_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"The daily sync ({settings.schedule_cron}, {settings.schedule_timezone}): every source, every build.",
    )


def feed_sensor(job: dg.UnresolvedAssetJobDefinition, settings: OrchestrationSettings) -> dg.SensorDefinition:
    @dg.sensor(
        name="marquee_feed_changed",
        job=job,
        minimum_interval_seconds=settings.sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING if settings.watch else dg.DefaultSensorStatus.STOPPED,
        description="Starts a sync when the watched show feed (URL or landing directory) has changed.",
    )
    def marquee_feed_changed(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        current = OrchestrationSettings.load()  # read at every tick: a changed setting needs no restart
        if not current.watch:
            return dg.SkipReason("nothing to watch: set [orchestration] watch (a feed URL or a directory)")
        cursor = json.loads(context.cursor) if context.cursor else {}
        if urlsplit(current.watch).scheme in ("http", "https"):
            return _poll_url(current, cursor)
        return _scan_directory(current, cursor)

    return marquee_feed_changed


def _land_config(sources: list[str]) -> dg.RunConfig:
    return dg.RunConfig(ops={"land_shows": {"config": {"sources": sources}}})


def _poll_url(settings: OrchestrationSettings, cursor: dict[str, Any]) -> dg.SensorResult | dg.SkipReason:
    url = str(settings.watch)
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = cursor["etag"]
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = cursor["last_modified"]
    try:
        with httpx.Client(timeout=POLL_TIMEOUT_SECONDS, follow_redirects=True) as client:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        return dg.SkipReason(redaction.redact(f"the watched feed is unreachable ({type(exc).__name__}: {first_line(exc)})"))
    if response.status_code == 304:
        return dg.SkipReason("the watched feed has not changed (HTTP 304)")
    if response.status_code != 200:
        return dg.SkipReason(f"the watched feed answered HTTP {response.status_code}; trying again at the next tick")
    seen = {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "sha256": None if response.headers.get("ETag") or response.headers.get("Last-Modified")
        else hashlib.sha256(response.content).hexdigest(),
    }
    if all(seen[k] == cursor.get(k) for k in seen):
        return dg.SkipReason("the watched feed has not changed (same validators as the last run)")
    version = seen["etag"] or seen["last_modified"] or seen["sha256"]
    run_key = "feed:" + hashlib.sha256(f"{url}|{version}".encode()).hexdigest()[:16]
    sources = list(settings.shows_sources) or [url]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, run_config=_land_config(sources), tags={"marquee/trigger": "feed_changed"})],
        cursor=json.dumps(seen, sort_keys=True),
    )


def _scan_directory(settings: OrchestrationSettings, cursor: dict[str, Any]) -> dg.SensorResult | dg.SkipReason:
    directory = Path(str(settings.watch))
    if not directory.is_dir():
        return dg.SkipReason(f"the watched directory {directory} does not exist")
    files = {
        str(path): f"{stat.st_size}:{stat.st_mtime_ns}"
        for path in sorted(directory.iterdir())
        if path.is_file() and not path.name.startswith(".") and (stat := path.stat())
    }
    seen: dict[str, str] = cursor.get("files", {})
    new = sorted(path for path, signature in files.items() if seen.get(path) != signature)
    if not new:
        return dg.SkipReason(f"no new feed file in {directory}")
    run_key = "files:" + hashlib.sha256("|".join(f"{p}={files[p]}" for p in new).encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, run_config=_land_config(new), tags={"marquee/trigger": "new_feed_files"})],
        cursor=json.dumps({"files": files}, sort_keys=True),
    )
