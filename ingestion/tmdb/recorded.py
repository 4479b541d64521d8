"""Recorded TMDB responses served over real HTTP on loopback.

Without credentials `marquee ingest tmdb` starts `RecordedTmdbServer` on
127.0.0.1 (a free port) and points the ordinary client at it, so the bundled
sample goes through exactly the code path the real API does. The recordings
live in data/sample/tmdb (see its README):

    movie/<id>.json, tv/<id>.json   details with every appended response
    search_movie.json                {query (case-folded): [id or summary, ...]}
    configuration.json               `/configuration` (image base URL and sizes)

`/find/<imdb id>` is answered from the external ids of the recorded details.
The fake TMDB of the tests and the benchmark (tests/fakes/tmdb_server.py) reuses
`RecordedTmdb` (the responses) behind its own fault-injecting server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ingestion.settings import SAMPLE_DATA_DIR

SAMPLE_TMDB_DIR = SAMPLE_DATA_DIR / "tmdb"

NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}

SUMMARY_FIELDS = (
    "id", "title", "original_title", "name", "original_name", "release_date", "first_air_date",
    "original_language", "overview", "popularity", "poster_path", "backdrop_path", "vote_average", "vote_count",
)  # fmt: skip


class RecordedTmdb:
    """Answers TMDB v3 paths from the recordings: (status, JSON document)."""

    def __init__(self, directory: Path = SAMPLE_TMDB_DIR) -> None:
        self.details: dict[tuple[str, int], dict[str, Any]] = {}
        for media_type in ("movie", "tv"):
            for path in sorted((directory / media_type).glob("*.json")):
                document = json.loads(path.read_text(encoding="utf-8"))
                self.details[(media_type, int(document["id"]))] = document
        search_file = directory / "search_movie.json"
        self.search_index: dict[str, list[Any]] = (
            json.loads(search_file.read_text(encoding="utf-8")) if search_file.exists() else {}
        )
        configuration_file = directory / "configuration.json"
        self.configuration: dict[str, Any] | None = (
            json.loads(configuration_file.read_text(encoding="utf-8")) if configuration_file.exists() else None
        )
        self.by_imdb: dict[str, tuple[str, int]] = {}
        for (media_type, tmdb_id), document in self.details.items():
            imdb_id = document.get("imdb_id") or (document.get("external_ids") or {}).get("imdb_id")
            if imdb_id:
                self.by_imdb[imdb_id] = (media_type, tmdb_id)

    def summary(self, media_type: str, tmdb_id: int) -> dict[str, Any]:
        document = self.details[(media_type, tmdb_id)]
        result = {key: document[key] for key in SUMMARY_FIELDS if key in document}
        result["genre_ids"] = [genre["id"] for genre in document.get("genres", [])]
        result["media_type"] = media_type
        return result

    def respond(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts and parts[0] == "3":
            parts = parts[1:]
        if len(parts) == 2 and parts[0] in ("movie", "tv") and parts[1] == "changes":
            # the recordings do not change: every change list is empty
            return 200, {"results": [], "page": 1, "total_pages": 1, "total_results": 0}
        if parts == ["configuration"]:
            return (200, self.configuration) if self.configuration is not None else (404, NOT_FOUND)
        if parts == ["search", "movie"]:
            entries = self.search_index.get(query.get("query", "").strip().casefold(), [])
            results = [self.summary("movie", e) if isinstance(e, int) else e for e in entries]
            return 200, {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}
        if len(parts) == 2 and parts[0] == "find":
            found = self.by_imdb.get(parts[1]) if query.get("external_source") == "imdb_id" else None
            body: dict[str, Any] = {
                "movie_results": [], "person_results": [], "tv_results": [],
                "tv_episode_results": [], "tv_season_results": [],
            }  # fmt: skip
            if found:
                body[f"{found[0]}_results"].append(self.summary(*found))
            return 200, body
        if len(parts) == 2 and parts[0] in ("movie", "tv") and parts[1].isdigit():
            document = self.details.get((parts[0], int(parts[1])))
            return (200, document) if document is not None else (404, NOT_FOUND)
        return 404, NOT_FOUND


def parse_query(raw: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(raw, keep_blank_values=True).items()}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: with Nagle's algorithm the body waits for the
    # client's delayed ACK, adding ~40 ms to every answer on loopback
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        status, document = self.server.recorded.respond(url.path, parse_query(url.query))
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request lines on stderr
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # room for every concurrent connection of the client
    recorded: RecordedTmdb


@contextmanager
def serve_recorded(directory: Path = SAMPLE_TMDB_DIR) -> Iterator[str]:
    """Serve the recordings on 127.0.0.1 (a free port); yields the API base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.recorded = RecordedTmdb(directory)
    thread = threading.Thread(target=server.serve_forever, name="recorded-tmdb", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/3"
    finally:
        server.shutdown()
        server.server_close()
