"""Read a show-time feed (a file path or an http(s) URL) as a stream of Arrow batches.

Records never sit in memory as Python objects all at once: they are turned
into columnar batches of `batch_size` rows as they go past. Two parsers give
the same records:
- a document of at most `whole_document_max_mib` is read whole and split by
  msgspec (native) into each record's bytes without building them; a record
  that is a flat object (no nested value) is built by msgspec, any other one
  by the streaming parser below, from its own bytes (so nesting limits and
  escapes are judged exactly as there);
- a larger document, or one whose outline msgspec cannot read unambiguously
  (a second `"allShows"`, an escape outside the records, invalid JSON or a
  wrong shape), goes through ijson (yajl, streaming), which also gives the
  error of a document that does not parse. Every value is kept as-is
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
import io
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
import msgspec
import pyarrow as pa
import pyarrow.compute as pc

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
    whole_document_max_mib: int  # a document up to this size is split natively (held in memory)


@dataclass(frozen=True)
class Unbuilt:
    """A record that was not built: it lands with every field null and `reason` in
    `_reject_reason`, and staging rejects it."""

    reason: str


def too_deep(depth: int) -> Unbuilt:
    return Unbuilt(f"the record is nested deeper than {depth} levels")


def _storable(text: str) -> str:
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSTORABLE.sub(REPLACEMENT, text)


_KNOWN = frozenset(FEED_FIELDS)


_NOT_CONVERTED = (pa.ArrowException, ArithmeticError, TypeError, ValueError)  # UnicodeError is a ValueError


def _texts(values: list[Any]) -> pa.Array:
    """A text column of raw values, as `_as_text` gives each; natively when they are all
    storable strings, all integers or all booleans (the common cases)."""
    try:
        column = pa.array(values, pa.string())
    except _NOT_CONVERTED:
        try:
            column = pa.array(values)
        except _NOT_CONVERTED:  # e.g. an integer beyond 64 bits, mixed types
            column = None
        if column is not None and (pa.types.is_int64(column.type) or pa.types.is_boolean(column.type)):
            return pc.cast(column, pa.string())
        texts = [v if type(v) is str and v.isascii() and "\x00" not in v else _as_text(v) for v in values]
        return pa.array(texts, pa.string())
    if pc.any(pc.match_substring(column, "\x00")).as_py():
        return pa.array([_as_text(v) for v in values], pa.string())
    return column


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
    basic events; an item nested deeper than `max_depth` levels is yielded unbuilt (`too_deep`).
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
                    yield too_deep(max_depth)
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


class _Records(msgspec.Struct):
    allShows: msgspec.Raw  # noqa: N815 - the feed's own key


class _Document(msgspec.Struct):
    """The outline of a feed document: the records' array, unparsed."""

    data: _Records


_OUTLINE = msgspec.json.Decoder(_Document)
_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_RECORD = msgspec.json.Decoder(float_hook=Decimal)  # numbers exact, as the streaming parser gives them
_RECORDS_KEY = b'"' + RECORDS_PATH.split(".")[-1].encode() + b'"'


def split_document(document: bytes | bytearray) -> list[msgspec.Raw] | None:
    """Each record's bytes, when the document's outline is unambiguous: valid JSON of the
    expected shape, the records' key written once, and no escape outside the records' array
    (a key spelled with escapes could name the records a second time). None otherwise."""
    if document.count(_RECORDS_KEY) != 1:
        return None
    try:
        array = _OUTLINE.decode(document).data.allShows
        records = _ITEMS.decode(array)
    except (msgspec.DecodeError, RecursionError):
        return None
    start = document.index(b"[", document.index(_RECORDS_KEY) + len(_RECORDS_KEY))
    end = start + len(array)
    if memoryview(document)[start:end] != memoryview(array):  # the array msgspec kept is not that key's
        return None
    if b"\\" in document[:start] or b"\\" in document[end:]:
        return None
    return records


def record_from(raw: msgspec.Raw | bytes, max_depth: int) -> Any:
    """One record from its bytes: built natively when it is a flat object (or not a
    container), else by the streaming parser (nesting limit, escapes) exactly as in a
    streamed document."""
    try:
        record = _RECORD.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        pass
    else:
        if type(record) is dict:
            if not any(type(v) is dict or type(v) is list for v in record.values()):
                return record
        elif type(record) is not list:
            return record
    events = ijson.basic_parse(io.BytesIO(b'{"r": [' + bytes(raw) + b"]}"))
    return next(records_at(events, ("r",), max_depth))


def records_from(raws: list[msgspec.Raw], max_depth: int) -> list[Any]:
    """The records of `raws`, as `record_from` gives them; a run of flat objects (their
    bytes hold one brace each and no bracket) is built in one native call."""
    joined = b",".join(raws)
    if joined.count(b"{") == len(raws) and b"[" not in joined:
        try:
            records = _RECORD.decode(b"[" + joined + b"]")
        except (msgspec.DecodeError, RecursionError):
            pass
        else:
            if all(type(r) is dict for r in records):  # one brace each: flat objects
                return records
    return [record_from(raw, max_depth) for raw in raws]


def _read_up_to(stream: Any, limit: int) -> tuple[bytearray | None, Any]:
    """The whole stream in one buffer when it holds at most `limit` bytes; else None and a
    stream that still reads from the start (what was read is put back in front, not copied)."""
    document = bytearray()
    while len(document) <= limit:
        chunk = stream.read(min(1 << 24, limit + 1 - len(document)))
        if not chunk:
            return document, stream
        document += chunk
    return None, _Prefixed(document, stream)


GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"


class _Prefixed:
    """A stream with bytes already read from it put back in front (handed out through a
    memoryview: a large head is never copied again on each read)."""

    def __init__(self, head: bytes | bytearray, stream: Any) -> None:
        self._head, self._stream = memoryview(head), stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            data, self._head = bytes(self._head) + self._stream.read(), memoryview(b"")
            return data
        data, self._head = bytes(self._head[:size]), self._head[size:]
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
        self.parser = ""  # "native" or "streaming", once the records are read

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
        max_depth = self.settings.max_nesting_depth
        try:
            with self._open() as stream:
                document, stream = _read_up_to(stream, self.settings.whole_document_max_mib * 1024**2)
                records = split_document(document) if document is not None else None
                self.parser = "streaming" if records is None else "native"
                if records is not None:
                    step = self.settings.batch_size
                    for start in range(0, len(records), step):
                        yield from records_from(records[start : start + step], max_depth)
                    return
                if document is not None:
                    stream = _Prefixed(document, io.BytesIO())
                found = yield from records_at(ijson.basic_parse(stream), tuple(RECORDS_PATH.split(".")), max_depth)
        except ijson.JSONError as exc:
            raise self.fail(f"invalid JSON ({_first_line(exc) or 'truncated document'})") from None
        except UnicodeDecodeError:  # yajl's answer to an escaped surrogate pair in the wrong order
            after = f"after record {self.records_read:,}"
            raise self.fail(f"invalid JSON ({after}: a wrongly paired escaped surrogate)") from None
        except (EOFError, gzip.BadGzipFile, zlib.error):
            raise self.fail("gzip data is corrupt or truncated") from None
        if not found:
            raise self.fail('wrong shape: expected {"data": {"allShows": [...]}}')

    def arrow_batches(self) -> Iterator[pa.Table]:
        """The feed's records as Arrow tables of at most `batch_size` rows."""
        batch_size, progress_every = self.settings.batch_size, self.settings.progress_every
        batch: list[Any] = []
        for record in self._records():
            batch.append(record)
            self.records_read += 1
            if len(batch) >= batch_size:
                yield self._batch(batch)
                batch = []
            if self.records_read % progress_every == 0:
                log.info("shows feed %s: %s records read", self.label, f"{self.records_read:,}")
        if batch:
            yield self._batch(batch)

    def _batch(self, records: list[Any]) -> pa.Table:
        """One Arrow table of `records`, the last ones read."""
        rows = len(records)
        first = self.records_read - rows
        objects = all(type(r) is dict for r in records)
        columns: dict[str, Any] = {}
        for field, column in FEED_FIELDS.items():
            if objects:
                columns[column] = _texts([r.get(field) for r in records])
            else:
                columns[column] = _texts([r.get(field) if type(r) is dict else None for r in records])
        columns["_extra_fields"] = [
            _as_text({k: v for k, v in r.items() if k not in FEED_FIELDS})
            if type(r) is dict and not r.keys() <= _KNOWN
            else None
            for r in records
        ]
        if objects:
            columns["_invalid_record"] = columns["_reject_reason"] = pa.nulls(rows, pa.string())
        else:
            columns["_invalid_record"] = [
                None if type(r) is dict or isinstance(r, Unbuilt) else "null" if r is None else _as_text(r)
                for r in records
            ]
            columns["_reject_reason"] = [r.reason if isinstance(r, Unbuilt) else None for r in records]
        columns["_record_index"] = pa.array(range(first, first + rows), pa.int64())
        fetched_at = pa.scalar(self.fetched_at, ARROW_SCHEMA.field("_feed_fetched_at").type)
        columns["_feed_fetched_at"] = pa.repeat(fetched_at, rows)
        columns["_source"] = pa.repeat(pa.scalar(self.label, pa.string()), rows)
        return pa.Table.from_pydict({name: columns[name] for name in ARROW_SCHEMA.names}, schema=ARROW_SCHEMA)
