"""A fake TMDB on loopback (real HTTP) for the tests and the benchmark (bench/
scenario S4): the bundled recordings plus any number of synthetic titles,
faults scripted per path or injected at random (seeded), an optional
per-request latency and an optional enforced rate limit, and every request
recorded with its arrival time and what it was answered. `marquee` never
starts it (without credentials it serves the recordings through recorded.py).

    with FakeTmdb(token="t") as tmdb:
        tmdb.script("/3/movie/27205", "429", "ok")        # per path, consumed in order
        tmdb.base_url                                     # http://127.0.0.1:<port>/3

    FakeTmdb(token="t", latency=0.05, rate_limit=40, fault_share=0.1, fault_seed=7)

Fault actions: "ok", "404", "401", "500", "503", "429" (Retry-After in
seconds), "429-date" (Retry-After as an HTTP-date), "429-bare" (no
Retry-After), "slow" (answers after `slow_seconds`), "reset" (drops the
connection without answering), "truncate" (announces the full length, sends
half, closes), "invalid" (200 with a cut-off JSON body of consistent length),
"hang" (waits until released).

Rate limit: a request arriving when `rate_limit` requests already arrived
within the last second (rejected ones included, as a real limiter counts
them) is answered 429 with `Retry-After` (whole seconds until the window has
room). Injected faults: each request that passes the rate limit, is not
scripted and not refused, is the n-th of its key (path and query without the
credentials); `fault_for(key, n)` decides from the seed alone whether it fails
and how, so which request fails does not depend on arrival order or
concurrency, and the same seed injects the same faults every run.

Synthetic titles: every `/movie/<id>` and `/tv/<id>` with id >=
SYNTHETIC_ID_BASE is answered with `synthetic_details(media_type, id)` (a
recorded details document with its own id, title, dates and ids), and a
`/search/movie` for `synthetic_title("movie", id)` finds exactly that film.
"""

from __future__ import annotations

import copy
import email.utils
import json
import math
import random
import re
import socket
import struct
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from ingestion.tmdb.recorded import SUMMARY_FIELDS, RecordedTmdb, parse_query

SYNTHETIC_ID_BASE = 10_000_000
# the recorded details each synthetic title is cut from
SYNTHETIC_TEMPLATES = {"movie": 27205, "tv": 1396}
FAULT_ACTIONS = ("429", "500", "503")
CREDENTIAL_PARAMS = frozenset({"api_key"})
_SYNTHETIC_SEARCH = re.compile(r"synthetic film (\d+)")


def synthetic_title(media_type: str, tmdb_id: int) -> str:
    return f"Synthetic {'Film' if media_type == 'movie' else 'Series'} {tmdb_id}"


def synthetic_year(tmdb_id: int) -> int:
    return 1950 + tmdb_id % 75


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, Any]]:
    recorded = RecordedTmdb()
    return {media_type: recorded.details[(media_type, tmdb_id)] for media_type, tmdb_id in SYNTHETIC_TEMPLATES.items()}


def synthetic_details(media_type: str, tmdb_id: int) -> dict[str, Any]:
    """The details document (everything appended) the fake serves for a synthetic id."""
    if tmdb_id < SYNTHETIC_ID_BASE or media_type not in SYNTHETIC_TEMPLATES:
        raise ValueError(f"not a synthetic title: {media_type}/{tmdb_id}")
    document = copy.deepcopy(_templates()[media_type])
    title = synthetic_title(media_type, tmdb_id)
    date = f"{synthetic_year(tmdb_id)}-{tmdb_id % 12 + 1:02d}-{tmdb_id % 28 + 1:02d}"
    imdb_id = f"tt{90_000_000 + tmdb_id}"
    document.update(
        id=tmdb_id,
        overview=f"{title}: a synthetic title of the fake TMDB server.",
        popularity=round(tmdb_id % 1000 / 10, 1),
        poster_path=f"/synthetic-{media_type}-{tmdb_id}-poster.jpg",
        backdrop_path=f"/synthetic-{media_type}-{tmdb_id}-backdrop.jpg",
    )
    if media_type == "movie":
        document.update(title=title, original_title=title, release_date=date, imdb_id=imdb_id)
    else:
        document.update(name=title, original_name=title, first_air_date=date)
    document["external_ids"] = {**document.get("external_ids", {}), "imdb_id": imdb_id}
    return document


def synthetic_summary(media_type: str, tmdb_id: int) -> dict[str, Any]:
    """A synthetic title as a search result."""
    document = synthetic_details(media_type, tmdb_id)
    result = {key: document[key] for key in SUMMARY_FIELDS if key in document}
    result["genre_ids"] = [genre["id"] for genre in document.get("genres", [])]
    result["media_type"] = media_type
    return result


def request_key(path: str, query: dict[str, str]) -> str:
    """What identifies a request for fault injection: its path and query, without credentials."""
    params = "&".join(f"{key}={value}" for key, value in sorted(query.items()) if key not in CREDENTIAL_PARAMS)
    return f"{path}?{params}" if params else path


@dataclass(frozen=True)
class Seen:
    at: float  # time.monotonic() when the request arrived
    path: str
    query: dict[str, str]
    authorization: str | None
    action: str = "ok"  # what it was answered (a fault action or "ok")
    reason: str = "ok"  # why: ok | auth | rate limit | hang | script | always | fault


class FakeTmdb:
    def __init__(
        self,
        token: str | None = None,
        slow_seconds: float = 1.0,
        retry_after: float = 1.0,
        *,
        latency: float = 0.0,
        rate_limit: int | None = None,
        fault_share: float = 0.0,
        fault_seed: int = 0,
        fault_actions: tuple[str, ...] = FAULT_ACTIONS,
    ) -> None:
        self.token = token
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.latency = latency
        self.rate_limit = rate_limit
        self.fault_share = fault_share
        self.fault_seed = fault_seed
        self.fault_actions = fault_actions
        self.recorded = RecordedTmdb()
        # what the change lists (/movie/changes, /tv/changes) name, whatever the window asked
        self.changes: dict[str, list[int]] = {"movie": [], "tv": []}
        self.changes_page_size = 100
        self.requests: list[Seen] = []
        self.scripts: dict[str, deque[str]] = defaultdict(deque)
        self.always: dict[str, str] = {}
        self.hang_after: int | None = None
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._arrivals: deque[float] = deque()  # within the last second, for the rate limit
        self._tries: Counter[str] = Counter()  # per request key, for the injected faults
        self._server: ThreadingHTTPServer | None = None

    # -- set-up -----------------------------------------------------------
    def script(self, path: str, *actions: str) -> None:
        self.scripts[path].extend(actions)

    def fail_always(self, path: str, action: str) -> None:
        self.always[path] = action

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/3"

    def __enter__(self) -> FakeTmdb:
        fake = self

        class Handler(_Handler):
            tmdb = fake

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    # -- inspection -------------------------------------------------------
    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def count(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)

    def answered(self, reason: str) -> int:
        """How many requests were answered for `reason` ("rate limit", "fault", "ok", ...)."""
        return sum(1 for seen in self.requests if seen.reason == reason)

    def max_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived within any `window` seconds."""
        times = sorted(seen.at for seen in self.requests)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def fault_for(self, key: str, n: int) -> str | None:
        """The fault injected into the n-th (from 1) request of `key`, or None: the seed decides."""
        if self.fault_share <= 0:
            return None
        draw = random.Random(f"{self.fault_seed}/{key}/{n}")
        return draw.choice(self.fault_actions) if draw.random() < self.fault_share else None

    # -- serving ----------------------------------------------------------
    def next_action(self, path: str, query: dict[str, str], authorization: str | None) -> tuple[str, dict[str, str]]:
        """What to answer, and the extra headers (a rate limit's Retry-After)."""
        with self._lock:
            now = time.monotonic()
            action, reason, headers = self._decide(now, path, query, authorization)
            self.requests.append(Seen(now, path, query, authorization, action, reason))
            return action, headers

    def _decide(self, now: float, path: str, query: dict[str, str], authorization: str | None) -> tuple[str, str, dict[str, str]]:
        arrivals = self._arrivals
        while arrivals and now - arrivals[0] >= 1.0:
            arrivals.popleft()
        arrivals.append(now)
        if self.token is not None:
            given = query.get("api_key") or (authorization or "").removeprefix("Bearer ")
            if given != self.token:
                return "401", "auth", {}
        if self.rate_limit is not None and len(arrivals) > self.rate_limit:
            wait = arrivals[-1 - self.rate_limit] + 1.0 - now  # until the window has room again
            return "429-limit", "rate limit", {"Retry-After": str(max(1, math.ceil(wait)))}
        if self.hang_after is not None and len(self.requests) + 1 > self.hang_after:
            return "hang", "hang", {}
        if self.scripts.get(path):
            return self.scripts[path].popleft(), "script", {}
        if path in self.always:
            return self.always[path], "always", {}
        key = request_key(path, query)
        self._tries[key] += 1
        fault = self.fault_for(key, self._tries[key])
        return (fault, "fault", {}) if fault else ("ok", "ok", {})

    def respond(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The synthetic titles, else the recordings."""
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts and parts[0] == "3":
            parts = parts[1:]
        if len(parts) == 2 and parts[0] in SYNTHETIC_TEMPLATES and parts[1].isdigit():
            if int(parts[1]) >= SYNTHETIC_ID_BASE:
                return 200, synthetic_details(parts[0], int(parts[1]))
        if len(parts) == 2 and parts[0] in self.changes and parts[1] == "changes":
            ids, size = self.changes[parts[0]], self.changes_page_size
            page = int(query.get("page", "1"))
            results = [{"id": tmdb_id, "adult": False} for tmdb_id in ids[(page - 1) * size : page * size]]
            pages = max(1, -(-len(ids) // size))
            return 200, {"results": results, "page": page, "total_pages": pages, "total_results": len(ids)}
        if parts == ["search", "movie"]:
            found = _SYNTHETIC_SEARCH.fullmatch(query.get("query", "").strip().casefold())
            if found and int(found.group(1)) >= SYNTHETIC_ID_BASE:
                results = [synthetic_summary("movie", int(found.group(1)))]
                return 200, {"page": 1, "results": results, "total_pages": 1, "total_results": 1}
        return self.recorded.respond(path, query)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # 20 concurrent connections must not overflow the listen backlog


class _Handler(BaseHTTPRequestHandler):
    tmdb: FakeTmdb
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: with Nagle's algorithm the body waits for the
    # client's delayed ACK, adding ~40 ms to every answer on loopback
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, document: Any, headers: dict[str, str] | None = None, body: bytes | None = None,
              length: int | None = None) -> None:  # fmt: skip
        payload = body if body is not None else json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(length if length is not None else len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        query = parse_query(url.query)
        action, headers = self.tmdb.next_action(url.path, query, self.headers.get("Authorization"))
        if action == "hang":
            self.tmdb.release.wait(60)
            self.close_connection = True
            return
        if self.tmdb.latency:
            time.sleep(self.tmdb.latency)
        if action == "slow":
            time.sleep(self.tmdb.slow_seconds)
            action = "ok"
        status, document = self.tmdb.respond(url.path, query)
        error = {"success": False, "status_code": 25, "status_message": "fault"}
        if action == "ok":
            self._send(status, document)
        elif action in ("404", "401", "500", "503"):
            self._send(int(action), error)
        elif action == "429":
            self._send(429, error, {"Retry-After": f"{self.tmdb.retry_after:g}"})
        elif action == "429-bare":
            self._send(429, error)
        elif action == "429-limit":  # the enforced rate limit, with its own Retry-After
            self._send(429, error, headers)
        elif action == "429-date":
            moment = time.time() + self.tmdb.retry_after + 1  # HTTP-dates have whole seconds
            self._send(429, error, {"Retry-After": email.utils.formatdate(moment, usegmt=True)})
        elif action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif action == "truncate":
            body = json.dumps(document).encode()
            self._send(200, None, body=body[: len(body) // 2], length=len(body))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif action == "invalid":
            body = json.dumps(document).encode()
            self._send(200, None, body=body[: len(body) // 2])
        else:  # pragma: no cover
            raise AssertionError(f"unknown fault action {action!r}")
