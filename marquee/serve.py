"""`marquee serve`: the endpoint the source system calls when it has new data.

    POST /sync    queue a sync run (Dagster job `marquee_sync`); 202 {"run_id": ..., "status": ...}
    GET  /health  {"status": "ok"}

A request must prove it knows the shared secret MARQUEE_TRIGGER_SECRET, either as
`Authorization: Bearer <secret>` or as `X-Marquee-Signature: sha256=<hex>`, the HMAC-SHA256 of the
request body under the secret (so the secret itself never travels). Both are compared in constant
time. Without them: 401 and nothing is started. A body over MAX_BODY_BYTES: 413. While a sync run is
queued or running, a trigger answers 202 with that run instead of starting a second one. The server
refuses to start without a secret (one line), binds to 127.0.0.1 unless told otherwise, and logs one
line per request (method, path, status, run id: never a header or a body).

Runs are submitted to the Dagster webserver's GraphQL API (MARQUEE_DAGSTER_URL, default
http://127.0.0.1:3000, as `make orchestrate` starts it), so they queue with the scheduled ones.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingestion import redaction
from ingestion.errors import MarqueeError, first_line
from marquee.orchestration.settings import TRIGGER_SECRET_VARIABLE, dagster_url, secret
from marquee.orchestration.triggers import SYNC_JOB_NAME

log = logging.getLogger("marquee.serve")

MAX_BODY_BYTES = 64 * 1024
# Dagster run statuses that mean "a sync is already on its way".
ACTIVE_STATUSES = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED")
TRIGGER_TAG = "marquee/trigger"


class Launcher(Protocol):
    def active_run(self) -> str | None:
        """The id of a sync run that is queued or running, if any."""

    def submit(self) -> str:
        """Queue a sync run; its id."""


@dataclass
class DagsterLauncher:
    """Runs through the Dagster webserver's GraphQL API."""

    url: str
    timeout: float = 30.0

    def _graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            response = httpx.post(
                f"{self.url.rstrip('/')}/graphql", json={"query": query, "variables": variables}, timeout=self.timeout
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise MarqueeError(f"the Dagster webserver at {self.url} did not answer ({type(exc).__name__})", transient=True) from None
        if body.get("errors"):
            raise MarqueeError(f"Dagster refused the request: {first_line(body['errors'][0].get('message', ''))}")
        return body["data"]

    def active_run(self) -> str | None:
        data = self._graphql(
            "query ActiveRuns($filter: RunsFilter) { runsOrError(filter: $filter, limit: 1) {"
            " __typename ... on Runs { results { runId status } } ... on PythonError { message } } }",
            {"filter": {"pipelineName": SYNC_JOB_NAME, "statuses": list(ACTIVE_STATUSES)}},
        )
        runs = data["runsOrError"]
        if runs["__typename"] != "Runs":
            raise MarqueeError(f"Dagster could not list the runs: {first_line(runs.get('message', ''))}")
        return runs["results"][0]["runId"] if runs["results"] else None

    def submit(self) -> str:
        from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

        parts = urlsplit(self.url)
        client = DagsterGraphQLClient(
            parts.hostname or "127.0.0.1", port_number=parts.port, use_https=parts.scheme == "https", timeout=int(self.timeout)
        )
        try:
            return client.submit_job_execution(SYNC_JOB_NAME, tags={TRIGGER_TAG: "serve"})
        except DagsterGraphQLClientError as exc:
            raise MarqueeError(f"Dagster did not queue the run: {first_line(exc)}") from None


def signature_of(body: bytes, key: str) -> str:
    """The X-Marquee-Signature value of `body` under the shared secret."""
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def authorised(headers: Any, body: bytes, key: str) -> bool:
    """Does the request carry the secret (bearer) or a valid body signature? Constant-time comparisons."""
    bearer = headers.get("authorization", "")
    if bearer[:7].lower() == "bearer " and hmac.compare_digest(bearer[7:].strip().encode(), key.encode()):
        return True
    signature = headers.get("x-marquee-signature", "")
    return bool(signature) and hmac.compare_digest(signature.strip().encode(), signature_of(body, key).encode())


async def _read_body(request: Request) -> bytes | None:
    """The body, or None once it passes MAX_BODY_BYTES (whatever Content-Length claims)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def create_app(launcher: Launcher, key: str) -> Starlette:
    """The trigger application (`key`: the shared secret)."""
    redaction.register(key)
    starting = threading.Lock()  # check-then-submit is one step: two triggers give one run

    def answer(request: Request, status: int, payload: dict[str, Any]) -> JSONResponse:
        log.info("%s %s -> %d%s", request.method, request.url.path, status, f" run {payload['run_id']}" if "run_id" in payload else "")
        return JSONResponse(payload, status_code=status)

    async def health(request: Request) -> JSONResponse:
        return answer(request, 200, {"status": "ok"})

    async def sync(request: Request) -> JSONResponse:
        body = await _read_body(request)
        if body is None:
            return answer(request, 413, {"error": f"the body is over {MAX_BODY_BYTES} bytes"})
        if not authorised(request.headers, body, key):
            return answer(request, 401, {"error": "missing or wrong credentials (a bearer secret or an X-Marquee-Signature)"})
        from starlette.concurrency import run_in_threadpool

        try:
            return await run_in_threadpool(start, request)
        except MarqueeError as exc:
            status = 503 if exc.transient else 502
            return answer(request, status, {"error": redaction.redact(str(exc))})

    def start(request: Request) -> JSONResponse:
        with starting:
            active = launcher.active_run()
            if active:
                return answer(request, 202, {"run_id": active, "status": "already queued or running"})
            return answer(request, 202, {"run_id": launcher.submit(), "status": "queued"})

    return Starlette(routes=[Route("/health", health, methods=["GET"]), Route("/sync", sync, methods=["POST"])])


def serve(host: str, port: int) -> None:
    """Run the trigger server until interrupted; MarqueeError (one line) when it cannot start."""
    import uvicorn

    key = secret(TRIGGER_SECRET_VARIABLE)
    if not key:
        raise MarqueeError(f"{TRIGGER_SECRET_VARIABLE} is not set: the trigger endpoint will not start without a shared secret")
    url = dagster_url()
    app = create_app(DagsterLauncher(url), key)
    print(f"Serving POST /sync on http://{host}:{port} (runs go to Dagster at {url}; Ctrl-C to stop).")
    # our one line per request replaces uvicorn's access log; its own lines go through redaction too
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
