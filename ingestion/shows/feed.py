"""Read a show-time feed (a file path or an http(s) URL) as a stream of Arrow batches.

The document is parsed incrementally with ijson, so a feed of millions of shows
never sits in memory as Python objects: records are turned into columnar
batches of `batch_size` rows as they stream past. Every value is kept as-is
(as text; JSON numbers of any size as their exact decimal text, booleans in
their JSON spelling) because typing and cleaning are dbt's job. A record that
is not a JSON object is kept too, in `_invalid_record`, so staging can reject
it with a reason.

What no warehouse can store is made safe per record, the same on every engine:
NUL characters and lone UTF-16 surrogates in text become U+FFFD, and a record
nested deeper than `max_nesting_depth` levels is not built at all (its events are
skipped; building it costs memory quadratic in its depth): it lands with every
field null and `_reject_reason` saying why, so staging rejects it. The
document is parsed from ijson's basic events (no path strings, which are what
grows quadratically with depth).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import ijson
import pyarrow as pa

from ingestion import redaction
from ingestion.errors import MarqueeError
from ingestion.shows.settings import FEED_DEADLINE_VARIABLE, FEED_FIELDS, RECORDS_PATH

log = logging.getLogger(__name__)

META_COLUMNS = ("_record_index", "_feed_fetched_at", "_source", "_extra_fields", "_invalid_record", "_reject_reason")
# characters no warehouse stores as text: NUL (PostgreSQL) and lone surrogates (not encodable as UTF-8)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"

ARROW_SCHEMA = pa.schema(
    [pa.field(column, pa.string()) for column in FEED_FIELDS.values()]
    + [
        pa.field("_record_index", pa.int64(), nullable=False),
        pa.field("_feed_fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("_source", pa.string(), nullable=False),
        pa.field("_extra_fields", pa.string()),
        pa.field("_invalid_record", pa.string()),
        pa.field("_reject_reason", pa.string()),
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


@dataclass(frozen=True)
class FeedSettings:
    """How a feed is read (the `[sources.shows]` section of .dlt/config.toml)."""

    batch_size: int  # records per Arrow batch handed to dlt
    progress_every: int  # a progress line every this many records
    http_timeout_seconds: float  # connect and read timeout of a feed URL
    deadline_seconds: float  # a feed URL must be received completely within this time
    max_nesting_depth: int  # deepest nesting a record may have (the record object is level 1)


@dataclass(frozen=True)
class TooDeep:
    """A record that was not built: nested deeper than the feed's max_nesting_depth."""

    depth: int

    @property
    def reason(self) -> str:
        return f"the record is nested deeper than {self.depth} levels"


def _storable(text: str) -> str:
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSTORABLE.sub(REPLACEMENT, text)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return _storable(json.dumps(value, ensure_ascii=False, default=str))


_OPEN = {"start_map": dict, "start_array": list}
_CLOSE = ("end_map", "end_array")


def records_at(events: Iterator[tuple[str, Any]], path: tuple[str, ...], max_depth: int) -> Iterator[Any]:
    """The items of the array at `path` (object keys from the root object), built from ijson's
    basic events; an item nested deeper than `max_depth` levels is yielded as TooDeep, unbuilt.
    Returns (as the generator's return value) whether the array was there at all."""
    wanted = [("map", None)] + [("map", name) for name in path[:-1]] + [("array", path[-1])]
    outer: list[tuple[str, str | None]] = []  # the open containers above the items: (kind, key in parent)
    key: str | None = None
    found = in_records = False
    containers: list[Any] = []  # the item being built: its open containers, innermost last
    keys: list[Any] = []
    skipping = 0
    for event, value in events:
        if skipping:
            if event in _OPEN:
                skipping += 1
            elif event in _CLOSE:
                skipping -= 1
                if not skipping:
                    yield TooDeep(max_depth)
            continue
        if containers:
            top = containers[-1]
            if event == "map_key":
                keys[-1] = value
            elif event in _OPEN:
                if len(containers) >= max_depth:
                    skipping, containers, keys = len(containers) + 1, [], []
                    continue
                child = _OPEN[event]()
                if type(top) is dict:
                    top[keys[-1]] = child
                else:
                    top.append(child)
                containers.append(child)
                keys.append(None)
            elif event in _CLOSE:
                done = containers.pop()
                keys.pop()
                if not containers:
                    yield done
            elif type(top) is dict:
                top[keys[-1]] = value
            else:
                top.append(value)
        elif event == "map_key":
            key = value
        elif in_records and event in _OPEN:
            containers, keys = [_OPEN[event]()], [None]
        elif event in _OPEN:
            parent_is_map = bool(outer) and outer[-1][0] == "map"
            outer.append(("map" if event == "start_map" else "array", key if parent_is_map else None))
            key = None
            in_records = outer == wanted
            found = found or in_records
        elif event in _CLOSE:
            outer.pop()
            in_records = outer == wanted
        elif in_records:
            yield value
    return found


GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"


class _Prefixed:
    """A stream with bytes already read from it put back in front."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head, self._stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            data, self._head = self._head + self._stream.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data if len(data) == size else data + self._stream.read(size - len(data))


def _peek(stream: Any, size: int) -> tuple[bytes, _Prefixed]:
    head = b""
    while len(head) < size:
        chunk = stream.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head, _Prefixed(head, stream)


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32, told by a byte order mark or by the NUL bytes of ASCII in them."""
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    if len(head) == 4 and b"\x00" in head:
        return "UTF-32" if head.count(b"\x00") == 3 else "UTF-16"
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


class _ResponseReader:
    """A minimal file-like `read()` over an httpx streaming response; `on_read` is
    called before each chunk is awaited (the feed's overall deadline)."""

    def __init__(self, response: httpx.Response, on_read: Callable[[], None] = lambda: None) -> None:
        self._chunks = response.iter_bytes()
        self._buffer = b""
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            self._on_read()
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

    def __init__(self, source: str, fetched_at: datetime, settings: FeedSettings) -> None:
        self.source = source
        self.settings = settings
        self.label = redact_source(source)
        redaction.register(*redaction.url_secrets(source))
        self.fetched_at = fetched_at
        self.records_read = 0

    def fail(self, problem: str, transient: bool = False) -> FeedError:
        return FeedError(f"shows feed {self.label}: {problem}", transient=transient)

    @contextlib.contextmanager
    def _open(self) -> Iterator[Any]:
        """The document's bytes, gunzipped when they are gzip, without a UTF-8 byte order mark."""
        with self._open_source() as stream:
            yield self._decoded(stream)

    def _decoded(self, stream: Any) -> Any:
        head, stream = _peek(stream, 4)
        if head[:2] == GZIP_MAGIC:
            head, stream = _peek(gzip.GzipFile(fileobj=stream, mode="rb"), 4)
        encoding = _wide_encoding(head)
        if encoding:
            raise self.fail(f"not UTF-8 text (it looks like {encoding}); save it as UTF-8")
        if head[:3] == UTF8_BOM:
            stream.read(3)
        return stream

    @contextlib.contextmanager
    def _open_source(self) -> Iterator[IO[bytes] | _ResponseReader]:
        if urlsplit(self.source).scheme in ("http", "https"):
            deadline_seconds = self.settings.deadline_seconds
            give_up_at = time.monotonic() + deadline_seconds

            def check_deadline() -> None:
                if time.monotonic() > give_up_at:
                    raise self.fail(f"not received within {deadline_seconds:g} s ({FEED_DEADLINE_VARIABLE})")

            timeout = httpx.Timeout(min(self.settings.http_timeout_seconds, deadline_seconds))
            try:
                with httpx.Client(timeout=timeout, follow_redirects=True) as client:
                    with client.stream("GET", self.source) as response:
                        if response.status_code != 200:
                            status = response.status_code
                            raise self.fail(f"server answered HTTP {status}", transient=status >= 500 or status == 429)
                        yield _ResponseReader(response, check_deadline)
            except httpx.TimeoutException:
                check_deadline()
                raise self.fail("unreachable (timed out)", transient=True) from None
            except httpx.HTTPError as exc:
                raise self.fail(f"unreachable ({type(exc).__name__})", transient=True) from None
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
        """Every record of the document (numbers exact: int or Decimal); the whole document must parse."""
        try:
            with self._open() as stream:
                found = yield from records_at(
                    ijson.basic_parse(stream), tuple(RECORDS_PATH.split(".")), self.settings.max_nesting_depth
                )
        except ijson.JSONError as exc:
            raise self.fail(f"invalid JSON ({_first_line(exc) or 'truncated document'})") from None
        except (EOFError, gzip.BadGzipFile, zlib.error):
            raise self.fail("gzip data is corrupt or truncated") from None
        if not found:
            raise self.fail('wrong shape: expected {"data": {"allShows": [...]}}')

    def arrow_batches(self) -> Iterator[pa.Table]:
        """The feed's records as Arrow tables of at most `batch_size` rows."""
        batch_size, progress_every = self.settings.batch_size, self.settings.progress_every
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
                columns["_extra_fields"].append(_as_text(extra) if extra else None)
                columns["_invalid_record"].append(None)
                columns["_reject_reason"].append(None)
            else:
                for _, column in raw_columns:
                    columns[column].append(None)
                columns["_extra_fields"].append(None)
                too_deep = isinstance(record, TooDeep)
                columns["_invalid_record"].append(None if too_deep else _as_text(record) if record is not None else "null")
                columns["_reject_reason"].append(record.reason if too_deep else None)
            columns["_record_index"].append(index)
            if len(columns["_record_index"]) >= batch_size:
                yield self._batch(columns)
                columns = {name: [] for name in ARROW_SCHEMA.names}
            if self.records_read % progress_every == 0:
                log.info("shows feed %s: %s records read", self.label, f"{self.records_read:,}")
        if columns["_record_index"]:
            yield self._batch(columns)

    def _batch(self, columns: dict[str, list[Any]]) -> pa.Table:
        rows = len(columns["_record_index"])
        columns["_feed_fetched_at"] = [self.fetched_at] * rows
        columns["_source"] = [self.label] * rows
        return pa.Table.from_pydict(columns, schema=ARROW_SCHEMA)
