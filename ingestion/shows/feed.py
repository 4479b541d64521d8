"""Read a show-time feed (a file path or an http(s) URL) as a stream of Arrow batches.

The document is parsed incrementally with ijson, so a feed of millions of shows
never sits in memory as Python objects: records are turned into columnar
batches of `BATCH_SIZE` rows as they stream past. Every value is kept as-is
(as text; JSON numbers and booleans in their JSON spelling) because typing and
cleaning are dbt's job. A record that is not a JSON object is kept too, in
`_invalid_record`, so staging can reject it with a reason.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
import ijson
import pyarrow as pa

from ingestion import redaction
from ingestion.errors import MarqueeError
from ingestion.shows.settings import (
    BATCH_SIZE,
    FEED_FIELDS,
    HTTP_TIMEOUT_SECONDS,
    PROGRESS_EVERY,
    RECORDS_PATH,
)

log = logging.getLogger(__name__)

META_COLUMNS = ("_record_index", "_feed_fetched_at", "_source", "_extra_fields", "_invalid_record")

ARROW_SCHEMA = pa.schema(
    [pa.field(column, pa.string()) for column in FEED_FIELDS.values()]
    + [
        pa.field("_record_index", pa.int64(), nullable=False),
        pa.field("_feed_fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("_source", pa.string(), nullable=False),
        pa.field("_extra_fields", pa.string()),
        pa.field("_invalid_record", pa.string()),
    ]
)


class FeedError(MarqueeError):
    """The feed cannot be read as a whole; nothing from it may be loaded."""


def redact_source(source: str) -> str:
    """The source as it may be shown and stored: no credentials, no query string."""
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https"):
        return source
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _url_secrets(source: str) -> list[str]:
    """What a feed URL carries that must never be shown: its password and its query values
    (those long enough to be tokens; credential-named parameters are masked whatever their length)."""
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https"):
        return []
    return [parts.password or ""] + [value for _, value in parse_qsl(parts.query) if len(value) >= 8]


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


class _ResponseReader:
    """A minimal file-like `read()` over an httpx streaming response."""

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.iter_bytes()
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


class ShowsFeed:
    """One feed document, read once, from a local path or an http(s) URL."""

    def __init__(self, source: str, fetched_at: datetime) -> None:
        self.source = source
        self.label = redact_source(source)
        redaction.register(*_url_secrets(source))
        self.fetched_at = fetched_at
        self.records_read = 0

    def fail(self, problem: str) -> FeedError:
        return FeedError(f"shows feed {self.label}: {problem}")

    @contextlib.contextmanager
    def _open(self) -> Iterator[IO[bytes] | _ResponseReader]:
        if urlsplit(self.source).scheme in ("http", "https"):
            try:
                with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=True) as client:
                    with client.stream("GET", self.source) as response:
                        if response.status_code != 200:
                            raise self.fail(f"server answered HTTP {response.status_code}")
                        yield _ResponseReader(response)
            except httpx.HTTPError as exc:
                raise self.fail(f"unreachable ({type(exc).__name__})") from None
            return
        path = Path(self.source)
        if not path.exists():
            raise self.fail("no such file")
        if not path.is_file():
            raise self.fail("not a file")
        try:
            with path.open("rb") as handle:
                yield handle
        except PermissionError:
            raise self.fail("permission denied") from None

    def _records(self) -> Iterator[Any]:
        with self._open() as stream:
            try:
                for record in ijson.items(stream, f"{RECORDS_PATH}.item", use_float=True):
                    yield record
            except ijson.JSONError as exc:
                raise self.fail(f"invalid JSON ({_first_line(exc) or 'truncated document'})") from None
        if self.records_read == 0:
            self._check_shape()

    def _check_shape(self) -> None:
        """An empty result is only valid for a well-formed `{"data": {"allShows": []}}`."""
        with self._open() as stream:
            try:
                for prefix, event, _ in ijson.parse(stream):
                    if prefix == RECORDS_PATH and event == "start_array":
                        return
            except ijson.JSONError as exc:
                raise self.fail(f"invalid JSON ({_first_line(exc) or 'truncated document'})") from None
        raise self.fail('wrong shape: expected {"data": {"allShows": [...]}}')

    def arrow_batches(self) -> Iterator[pa.Table]:
        """The feed's records as Arrow tables of at most BATCH_SIZE rows."""
        columns: dict[str, list[Any]] = {name: [] for name in ARROW_SCHEMA.names}
        known = FEED_FIELDS
        raw_columns = list(known.items())
        for record in self._records():
            index = self.records_read
            self.records_read += 1
            if isinstance(record, dict):
                for field, column in raw_columns:
                    columns[column].append(_as_text(record.get(field)))
                extra = {k: v for k, v in record.items() if k not in known}
                columns["_extra_fields"].append(json.dumps(extra, ensure_ascii=False, default=str) if extra else None)
                columns["_invalid_record"].append(None)
            else:
                for _, column in raw_columns:
                    columns[column].append(None)
                columns["_extra_fields"].append(None)
                columns["_invalid_record"].append(_as_text(record) if record is not None else "null")
            columns["_record_index"].append(index)
            if len(columns["_record_index"]) >= BATCH_SIZE:
                yield self._batch(columns)
                columns = {name: [] for name in ARROW_SCHEMA.names}
            if self.records_read % PROGRESS_EVERY == 0:
                log.info("shows feed %s: %s records read", self.label, f"{self.records_read:,}")
        if columns["_record_index"]:
            yield self._batch(columns)

    def _batch(self, columns: dict[str, list[Any]]) -> pa.Table:
        rows = len(columns["_record_index"])
        columns["_feed_fetched_at"] = [self.fetched_at] * rows
        columns["_source"] = [self.label] * rows
        return pa.Table.from_pydict(columns, schema=ARROW_SCHEMA)
