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
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import dagster as dg

from ingestion import redaction
from ingestion.errors import MarqueeError, first_line
from marquee.engines import Engine, resolve_engine
from marquee.orchestration.settings import OrchestrationSettings

T = TypeVar("T")

# The run tag that lists the landings that failed in a run that went on (read by alerts.py).
FAILED_LANDINGS_TAG = "marquee/failed_landings"
# The run tags that remember, across a step's attempts, which parts of a landing landed.
LANDING_PARTS_TAG = "marquee/landing_parts"


class LandingFailed(Exception):
    """A landing gave up: `line` says why (redacted). The run goes on without it."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


def _attempt(engine: Engine, work: Callable[[Engine], T]) -> tuple[T | None, str | None, bool]:
    """`work(engine)` under the warehouse lock: (its result, None, _) or (None, the one redacted
    line of its failure, whether that failure may pass)."""
    try:
        with engine.lock():
            engine.check_usable(write=True)
            return work(engine), None, False
    except MarqueeError as exc:
        return None, redaction.redact(str(exc)), exc.transient
    except Exception as exc:  # noqa: BLE001 - an unforeseen fault: one line, never its traceback
        return None, redaction.redact(f"unexpected {type(exc).__name__}: {first_line(exc)}"), False


def _retry(context: dg.OpExecutionContext, step: str, line: str, settings: OrchestrationSettings) -> NoReturn:
    attempt = context.retry_number + 1
    wait = settings.backoff_seconds(attempt)
    context.log.warning(f"{step}: {line} (may pass: attempt {attempt} of {settings.max_attempts}, retrying in {wait:g} s)")
    raise dg.RetryRequested(max_retries=settings.max_attempts - 1, seconds_to_wait=wait) from None


def _give_up(context: dg.OpExecutionContext, step: str, line: str, landing: bool) -> NoReturn:
    attempt = context.retry_number + 1
    tried = f" (after {attempt} attempts)" if attempt > 1 else ""
    if landing:
        context.log.error(f"{step} failed{tried}: {line} (the run goes on with the other sources)")
        _record_failed_landing(context, step, line)
        raise LandingFailed(line) from None
    raise dg.Failure(description=f"{step} failed{tried}: {line}", allow_retries=False) from None


def run_step(context: dg.OpExecutionContext, step: str, work: Callable[[Engine], T], landing: bool = False) -> T:
    """`work(engine)` under the warehouse lock, as `marquee` runs a command; see the module doc."""
    settings = OrchestrationSettings.load()
    result, line, transient = _attempt(resolve_engine(None), work)
    if line is None:
        return result  # type: ignore[return-value]
    if transient and context.retry_number + 1 < settings.max_attempts:
        _retry(context, step, line, settings)
    _give_up(context, step, line, landing)


def run_landing_parts(
    context: dg.OpExecutionContext, step: str, parts: Sequence[tuple[str, Callable[[Engine], Any]]]
) -> int:
    """Land each of `parts` ((a redacted label, its work): say, the configured feeds) on its own;
    returns how many landed in this step, over all its attempts.

    A part's failure never stops the parts after it. A retry (when a failure may pass) lands only
    the parts that have not landed and did not fail for good: which did is kept in the run's tag
    `marquee/landing_parts/<step>` (their indices, and the redacted lines of those given up),
    written after every part, so no attempt lands a part a second time. Parts that give up are
    reported together, as one failed landing."""
    settings = OrchestrationSettings.load()
    engine = resolve_engine(None)
    tag = f"{LANDING_PARTS_TAG}/{step}"
    run = context.instance.get_run_by_id(context.run.run_id)
    done: dict[str, Any] = json.loads((run.tags if run else {}).get(tag, "{}"))
    landed: set[int] = set(done.get("landed", []))
    # the parts that will not land in this run, with their (redacted) lines
    given_up: dict[int, str] = {int(index): line for index, line in done.get("given_up", {}).items()}
    last_attempt = context.retry_number + 1 >= settings.max_attempts
    may_pass, last_line = False, ""
    for index, (label, work) in enumerate(parts):
        if index in landed or index in given_up:
            continue
        _, line, transient = _attempt(engine, work)
        if line is None:
            landed.add(index)
        else:
            may_pass, last_line = may_pass or transient, line
            if not transient or last_attempt:
                given_up[index] = line
            context.log.warning(f"{step}: {label} ({index + 1} of {len(parts)}): {line}")
        state = {"landed": sorted(landed), "given_up": {str(index): line for index, line in sorted(given_up.items())}}
        context.instance.add_run_tags(context.run.run_id, {tag: json.dumps(state)})
    if may_pass and not last_attempt:
        pending = len(parts) - len(landed) - len(given_up)
        line = f"{pending} of {len(parts)} may land on a retry ({len(landed)} landed)" if len(parts) > 1 else last_line
        _retry(context, step, line, settings)
    if given_up:
        lines = "; ".join(line for _, line in sorted(given_up.items()))
        _give_up(context, step, f"{len(given_up)} of {len(parts)} did not land: {lines}" if len(parts) > 1 else lines, landing=True)
    return len(landed)


def _record_failed_landing(context: dg.OpExecutionContext, step: str, line: str) -> None:
    run = context.instance.get_run_by_id(context.run.run_id)
    failed: dict[str, Any] = json.loads((run.tags if run else {}).get(FAILED_LANDINGS_TAG, "{}"))
    failed[step] = line
    context.instance.add_run_tags(context.run.run_id, {FAILED_LANDINGS_TAG: json.dumps(failed, sort_keys=True)})
