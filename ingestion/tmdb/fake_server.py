"""A fake TMDB on loopback (real HTTP) serving the bundled recordings, with
faults injected on demand and every request recorded.

    with FakeTmdb(token="t") as tmdb:
        tmdb.script("/3/movie/27205", "429", "ok")        # per path, consumed in order
        tmdb.base_url                                     # http://127.0.0.1:<port>/3

Fault actions: "ok", "404", "401", "500", "503", "429" (Retry-After in
seconds), "429-date" (Retry-After as an HTTP-date), "slow" (answers after
`slow_seconds`), "reset" (drops the connection without answering),
"truncate" (announces the full length, sends half, closes), "invalid" (200
with a cut-off JSON body of consistent length), "hang" (waits until released).
"""

from __future__ import annotations

import email.utils
import json
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ingestion.tmdb.recorded import RecordedTmdb, parse_query


@dataclass(frozen=True)
class Seen:
    at: float  # time.monotonic() when the request arrived
    path: str
    query: dict[str, str]
    authorization: str | None


class FakeTmdb:
    def __init__(self, token: str | None = None, slow_seconds: float = 1.0, retry_after: float = 1.0) -> None:
        self.token = token
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.recorded = RecordedTmdb()
        self.requests: list[Seen] = []
        self.scripts: dict[str, deque[str]] = defaultdict(deque)
        self.always: dict[str, str] = {}
        self.hang_after: int | None = None
        self.release = threading.Event()
        self._lock = threading.Lock()
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

    def max_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived within any `window` seconds."""
        times = sorted(seen.at for seen in self.requests)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    # -- serving ----------------------------------------------------------
    def next_action(self, path: str, query: dict[str, str], authorization: str | None) -> str:
        with self._lock:
            self.requests.append(Seen(time.monotonic(), path, query, authorization))
            number = len(self.requests)
            if self.token is not None:
                given = query.get("api_key") or (authorization or "").removeprefix("Bearer ")
                if given != self.token:
                    return "401"
            if self.hang_after is not None and number > self.hang_after:
                return "hang"
            if self.scripts.get(path):
                return self.scripts[path].popleft()
            return self.always.get(path, "ok")


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # 20 concurrent connections must not overflow the listen backlog


class _Handler(BaseHTTPRequestHandler):
    tmdb: FakeTmdb
    protocol_version = "HTTP/1.1"

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
        action = self.tmdb.next_action(url.path, query, self.headers.get("Authorization"))
        if action == "hang":
            self.tmdb.release.wait(60)
            self.close_connection = True
            return
        if action == "slow":
            time.sleep(self.tmdb.slow_seconds)
            action = "ok"
        status, document = self.tmdb.recorded.respond(url.path, query)
        error = {"success": False, "status_code": 25, "status_message": "fault"}
        if action == "ok":
            self._send(status, document)
        elif action in ("404", "401", "500", "503"):
            self._send(int(action), error)
        elif action == "429":
            self._send(429, error, {"Retry-After": f"{self.tmdb.retry_after:g}"})
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
