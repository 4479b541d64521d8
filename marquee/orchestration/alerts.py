"""Failure alerts: one JSON message per failed run to the webhook `MARQUEE_ALERT_WEBHOOK_URL`.

A run fails when a step other than a landing fails (a build, a failed data test). A run whose
landing gave up goes on and succeeds with what did land; it is alerted too, since the on-call
person must hear of a feed that did not arrive. The message:

    {"source": "marquee", "run_id": "...", "job": "marquee_sync", "status": "failure" | "landing_failed",
     "failed_step": "land_shows", "error": "one line", "url": "<the run's page in the Dagster UI>"}

Every text in it went through `ingestion.redaction` (the webhook URL itself is a secret: it is
never logged). No webhook configured: nothing is sent. A webhook that fails is logged, one line,
and never fails the sensor (the alert is best effort; the run's failure stays in Dagster).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import dagster as dg
import httpx

from ingestion import redaction
from ingestion.errors import first_line
from marquee.orchestration.settings import ALERT_WEBHOOK_VARIABLE, dagster_url, secret
from marquee.orchestration.steps import FAILED_LANDINGS_TAG

log = logging.getLogger("marquee")
WEBHOOK_TIMEOUT_SECONDS = 10.0


def alert_message(run: dg.DagsterRun, status: str, failed_step: str | None, error: str | None) -> dict[str, Any]:
    return {
        "source": "marquee",
        "run_id": run.run_id,
        "job": run.job_name,
        "status": status,
        "failed_step": failed_step,
        "error": redaction.redact(error) if error else None,
        "url": f"{dagster_url()}/runs/{run.run_id}",
    }


def post_alert(message: dict[str, Any]) -> bool:
    """Send one alert; False when no webhook is configured or it could not be delivered."""
    url = secret(ALERT_WEBHOOK_VARIABLE)
    if not url:
        return False
    try:
        response = httpx.post(url, json=message, timeout=WEBHOOK_TIMEOUT_SECONDS)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        # the exception's text may quote the webhook URL: only its type and status reach the log
        status = getattr(getattr(exc, "response", None), "status_code", None)
        log.warning("the alert webhook did not take the alert (%s%s)", type(exc).__name__, f", HTTP {status}" if status else "")
        return False
    return True


def _failed_step(context: dg.RunFailureSensorContext) -> tuple[str | None, str | None]:
    """The first failed step and its one-line error."""
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error if event.step_failure_data else None
        line = None
        if error is not None:
            line = first_line(error.message)
            # a dagster.Failure carries our one line as its description
            if event.step_failure_data.user_failure_data and event.step_failure_data.user_failure_data.description:
                line = event.step_failure_data.user_failure_data.description
        return event.step_key, line
    failure = context.failure_event
    return None, first_line(failure.message) if failure and failure.message else None


@dg.run_failure_sensor(name="marquee_alert_failed_run", default_status=dg.DefaultSensorStatus.RUNNING)
def alert_failed_run(context: dg.RunFailureSensorContext) -> None:
    step, error = _failed_step(context)
    post_alert(alert_message(context.dagster_run, "failure", step, error))


@dg.run_status_sensor(
    name="marquee_alert_failed_landing",
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_failed_landing(context: dg.RunStatusSensorContext) -> None:
    failed = json.loads(context.dagster_run.tags.get(FAILED_LANDINGS_TAG, "{}"))
    for step, line in sorted(failed.items()):
        post_alert(alert_message(context.dagster_run, "landing_failed", step, line))
