"""The one HTTP client of the TMDB source.

`TmdbClient` owns every request: a sliding-window rate limiter (never more
than `rate` requests start in any window of one second), bounded concurrency,
timeouts, and retries with exponential backoff and full jitter on 429, 5xx,
timeouts, dropped connections and 200 responses whose body is not valid JSON.
`Retry-After` is honoured in both its forms (seconds and HTTP-date) and pauses
every request, not only the one that got it. A title gives up after
`max_attempts` requests or once its waits would pass `max_total_wait`.

401/403 raise `TmdbAuthError` (the run stops at once); 404 raises
`TmdbNotFound` and is never retried. Credentials travel in a header (bearer
read token, preferred) or as the `api_key` query parameter; no message this
module produces contains a URL with its query string, and every error text is
passed through `Credentials.redact` before it leaves.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ingestion.errors import MarqueeError

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Credentials:
    """A TMDB v4 read access token (sent as a bearer header) or a v3 API key
    (sent as the `api_key` query parameter). Both empty: no authentication
    (the bundled recorded responses)."""

    read_token: str | None = None
    api_key: str | None = None

    def __repr__(self) -> str:  # never print a secret, even by accident
        kind = "read token" if self.read_token else "api key" if self.api_key else "none"
        return f"Credentials(<{kind}>)"

    __str__ = __repr__

    @property
    def present(self) -> bool:
        return bool(self.read_token or self.api_key)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.read_token}"} if self.read_token else {}

    def params(self) -> dict[str, str]:
        return {"api_key": self.api_key} if self.api_key and not self.read_token else {}

    def redact(self, text: str) -> str:
        for secret in (self.read_token, self.api_key):
            if secret:
                text = text.replace(secret, "<redacted>")
        return text


class TmdbError(Exception):
    """A request that did not produce a JSON document."""


class TmdbNotFound(TmdbError):
    """404: the title does not exist (not retried)."""


class TmdbRequestFailed(TmdbError):
    """Retries exhausted, total wait exceeded, or a status that is not retried."""


class TmdbAuthError(MarqueeError):
    """401/403: the credentials were refused; the run stops."""


class RateLimiter:
    """At most `rate` request starts in any sliding window of one second.

    Two rules together: requests are paced `(1 + margin) / rate` apart (no
    bursts, so no pile of new connections reaching the server at once), and
    the start times of the last `rate` requests are kept so that a new one
    waits until the oldest is `1 + margin` seconds old. The margin absorbs the
    jitter between a request leaving here and arriving there: as long as that
    jitter stays under `margin`, the server never sees more than `rate`
    requests in any second. `pause_until` holds every caller back (a server's
    Retry-After).

    The pacing is a schedule of slots `interval` apart, not "`interval` after
    the last start": a sleep always wakes a little late (the event loop's
    millisecond timer, a busy machine), and measuring from the late start
    pushed every later slot back by it (on a busy two-core machine: 91% of
    the rate instead of 95% at 40/s, 77% at 200/s). A start up to half an
    interval late keeps its slot; later than that (the limiter was idle, or
    paused) and the schedule restarts from now. The one-second rule counts
    actual start times, so catching up never lets more than `rate` starts
    into any `1 + margin` seconds.
    """

    def __init__(
        self,
        rate: float,
        window: float = 1.0,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock  # injectable for tests: a clock whose sleeps wake late, deterministically
        self._sleep = sleep
        self.capacity = max(1, int(rate))
        self.window = window + margin
        self.interval = self.window / rate
        self.tolerance = self.interval / 2
        self._starts: deque[float] = deque()
        self._next_slot = 0.0
        self._lock = asyncio.Lock()
        self._paused_until = 0.0

    def pause_until(self, moment: float) -> None:
        self._paused_until = max(self._paused_until, moment)

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                wait = self._next_slot - now
                if len(self._starts) >= self.capacity:
                    wait = max(wait, self._starts[0] + self.window - now)
                if wait <= 0:
                    self._starts.append(now)
                    slot = self._next_slot if now - self._next_slot <= self.tolerance else now
                    self._next_slot = slot + self.interval
                    return
                await self._sleep(wait)


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    started: float = field(default_factory=time.monotonic)

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.requests / elapsed if elapsed > 0 else 0.0


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class TmdbClient:
    """Async TMDB client; use as `async with TmdbClient(...) as client`."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        rate: float,
        max_connections: int,
        connect_timeout: float,
        read_timeout: float,
        max_attempts: int,
        backoff_base: float,
        backoff_max: float,
        max_total_wait: float,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.limiter = RateLimiter(rate)
        self.semaphore = asyncio.Semaphore(max_connections)
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_total_wait = max_total_wait
        self.stats = ClientStats()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Accept": "application/json", **credentials.headers()},
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            follow_redirects=False,
        )

    async def __aenter__(self) -> TmdbClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    def _backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET `path` (relative to the base URL) and return its JSON object.

        Raises TmdbNotFound (404), TmdbAuthError (401/403) or TmdbRequestFailed.
        """
        query = {**(params or {}), **self.credentials.params()}
        waited = 0.0
        last_error = "no attempt made"
        for attempt in range(self.max_attempts):
            if attempt:
                self.stats.retries += 1
            retry_after: float | None = None
            async with self.semaphore:
                await self.limiter.acquire()
                self.stats.requests += 1
                try:
                    response = await self._http.get(path, params=query)
                    body = response.content
                except httpx.TimeoutException as exc:
                    last_error = f"timeout ({type(exc).__name__})"
                    response = None
                except httpx.TransportError as exc:
                    last_error = f"connection error ({type(exc).__name__})"
                    response = None
            if response is not None:
                status = response.status_code
                if status in (401, 403):
                    raise TmdbAuthError(
                        f"TMDB refused the credentials (HTTP {status}) on {path}: "
                        "check TMDB_API_READ_TOKEN or TMDB_API_KEY"
                    )
                if status == 404:
                    raise TmdbNotFound(f"HTTP 404 on {path}")
                if status == 200:
                    try:
                        document = json.loads(body)
                    except (ValueError, UnicodeDecodeError):
                        last_error = f"invalid JSON body ({len(body)} bytes) on {path}"
                    else:
                        if isinstance(document, dict):
                            return document
                        last_error = f"JSON body is not an object on {path}"
                elif status in RETRYABLE_STATUSES:
                    last_error = f"HTTP {status} on {path}"
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                else:
                    raise TmdbRequestFailed(self.credentials.redact(f"HTTP {status} on {path} (not retried)"))
            if attempt + 1 >= self.max_attempts:
                break
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if waited + delay > self.max_total_wait:
                last_error += f"; giving up: waiting {delay:.1f}s more would pass the {self.max_total_wait:.0f}s cap"
                break
            if retry_after is not None:
                # the server asked everyone to slow down, not only this request
                self.limiter.pause_until(time.monotonic() + retry_after)
            log.debug("retrying %s in %.2fs after %s", path, delay, last_error)
            waited += delay
            await asyncio.sleep(delay)
        raise TmdbRequestFailed(
            self.credentials.redact(f"{last_error} (after {attempt + 1} attempt{'s' if attempt else ''})")
        )
