"""How a Dagster step runs a Marquee run step: under the warehouse lock, retried only when the
failure may pass, ending in one redacted line.

- A transient MarqueeError (network, 5xx or 429, a busy or unreachable warehouse) is retried
  with exponential backoff (`[orchestration]` max_attempts, backoff_base_seconds, backoff_max_seconds)
  through Dagster's RetryRequested, so every attempt shows in the run's event log.
- A permanent one (a bad feed, missing credentials, a failed data test), or a transient one on
  its last attempt, is not retried. A landing records it and lets the run go on (one source's
  trouble never blocks the others: what did land is still built); any other step fails.
- Whatever reaches the event log is one line through `ingestion.redaction`: no secret, no
  traceback of a library's exception (whose text may quote a URL with its credentials).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import dagster as dg

from ingestion import redaction
from ingestion.errors import MarqueeError, first_line
from marquee.engines import Engine, resolve_engine
from marquee.orchestration.settings import OrchestrationSettings

T = TypeVar("T")

# The run tag that lists the landings that failed in a run that went on (read by alerts.py).
FAILED_LANDINGS_TAG = "marquee/failed_landings"


class LandingFailed(Exception):
    """A landing gave up: `line` says why (redacted). The run goes on without it."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


def run_step(context: dg.OpExecutionContext, step: str, work: Callable[[Engine], T], landing: bool = False) -> T:
    """`work(engine)` under the warehouse lock, as `marquee` runs a command; see the module doc."""
    settings = OrchestrationSettings.load()
    engine = resolve_engine(None)
    attempt = context.retry_number + 1
    try:
        with engine.lock():
            engine.check_usable(write=True)
            return work(engine)
    except MarqueeError as exc:
        line = redaction.redact(str(exc))
        transient = exc.transient
    except Exception as exc:  # noqa: BLE001 - an unforeseen fault: one line, never its traceback
        line = redaction.redact(f"unexpected {type(exc).__name__}: {first_line(exc)}")
        transient = False
    if transient and attempt < settings.max_attempts:
        wait = settings.backoff_seconds(attempt)
        context.log.warning(
            f"{step}: {line} (may pass: attempt {attempt} of {settings.max_attempts}, retrying in {wait:g} s)"
        )
        raise dg.RetryRequested(max_retries=settings.max_attempts - 1, seconds_to_wait=wait) from None
    tried = f" (after {attempt} attempts)" if attempt > 1 else ""
    if landing:
        context.log.error(f"{step} failed{tried}: {line} (the run goes on with the other sources)")
        _record_failed_landing(context, step, line)
        raise LandingFailed(line) from None
    raise dg.Failure(description=f"{step} failed{tried}: {line}", allow_retries=False) from None


def _record_failed_landing(context: dg.OpExecutionContext, step: str, line: str) -> None:
    run = context.instance.get_run_by_id(context.run.run_id)
    failed: dict[str, Any] = json.loads((run.tags if run else {}).get(FAILED_LANDINGS_TAG, "{}"))
    failed[step] = line
    context.instance.add_run_tags(context.run.run_id, {FAILED_LANDINGS_TAG: json.dumps(failed, sort_keys=True)})
