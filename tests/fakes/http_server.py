"""A local HTTP server (127.0.0.1, a free port) whose answers a test scripts, and which records
every request: a feed that fails then recovers, a feed with validators, an alert webhook."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# (status, headers, body) for a request
Answer = tuple[int, dict[str, str], bytes]


@dataclass
class ScriptedServer:
    respond: Callable[[Request], Answer]
    requests: list[Request] = field(default_factory=list)
    url: str = ""


@contextmanager
def scripted_server(respond: Callable[[Request], Answer]) -> Iterator[ScriptedServer]:
    server = ScriptedServer(respond)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
            server.requests.append(request)
            status, headers, body = server.respond(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = _handle

        def log_message(self, *args: object) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
