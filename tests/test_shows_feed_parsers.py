"""The feed's two parsers land the same rows: the native one (msgspec splits a document held
in memory into records; flat records are built natively, any other one by the streaming
parser from its own bytes) and the streaming one (ijson, constant memory), which takes over
whenever the document's outline is ambiguous or does not parse. Pure Python: no warehouse."""

from __future__ import annotations

import gzip
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pytest

from ingestion.shows.feed import ARROW_SCHEMA, FeedError, FeedSettings, ShowsFeed

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def settings(whole_document_max_mib: int, batch_size: int = 3) -> FeedSettings:
    return FeedSettings(
        batch_size=batch_size,
        progress_every=1_000_000,
        http_timeout_seconds=5.0,
        deadline_seconds=5.0,
        max_nesting_depth=32,
        whole_document_max_mib=whole_document_max_mib,
    )


def read(path: Path, whole_document_max_mib: int) -> tuple[str, pa.Table | str]:
    """(the parser that ran, the landed rows or the feed's error)."""
    feed = ShowsFeed(str(path), AT, settings(whole_document_max_mib))
    try:
        batches = list(feed.arrow_batches())
    except FeedError as exc:
        return feed.parser, str(exc)
    return feed.parser, pa.concat_tables(batches) if batches else ARROW_SCHEMA.empty_table()


def nested(depth: int) -> str:
    """A value that makes its record `depth` levels deep (the record object is level 1)."""
    return "[" * (depth - 1) + "]" * (depth - 1)


def record(n: int, **fields: str) -> str:
    """A record as JSON text; `fields` are raw JSON values."""
    values = {
        "movie_showTime": '"2026-12-05T18:00:00Z"', "screen_name": '"Screen 1"', "is_active": '"1"',
        "movie_ID": f'"HO{n:08d}"', "movie_title": '"Dune: Part Two"', "cinema_id": "7",
    } | fields  # fmt: skip
    return "{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}"


FLAT = [
    record(1),
    record(2, movie_length="166", cinema_id='"12"', is_active="true"),
    record(3, movie_length="1.50", cinema_id="123456789012345678901234567890", is_active="false"),
    record(4, movie_length="1e5", movie_rating="-0.0", is_active="null", movie_format='"[IMAX] {3D}"'),
    record(5, movie_title='"Am\\u00e9lie \\"quoted\\" \\\\ \\/"', screen_name='"Salle \\u00e9 \\ud83c\\udfac"'),
    record(6, movie_title='"Dune\\u0000Part Two"', screen_name='"\\\\t tab"'),
    record(7, movie_genere='"Sci-Fi"', unknown_scalar="42", unknown_text='"x"'),
    record(8, movie_ID='"HO1"', movie_ID_again='"dup"').replace('"movie_ID_again"', '"movie_ID"'),  # duplicate key
    record(9, movie_title="18446744073709551616", movie_length="-9223372036854775809", movie_rating="1E-7"),
]
AWKWARD = [
    '"a string record"', "42", "null", "true", "[1, 2]", "{}",
    record(10, extra_nested='{"a": [1, {"b": null}]}'),
    record(11, movie_title=nested(32)),  # exactly the limit: built
    record(12, movie_title=nested(33)),  # one level too deep: rejected
]


def document(records: list[str], before: str = "", after: str = "") -> str:
    return '{"data": {' + before + '"allShows": [\n' + ",\n".join(records) + "\n]" + after + "}}"


NATIVE = {  # name: (document, rows)
    "flat": (document(FLAT), len(FLAT)),
    "awkward": (document(FLAT + AWKWARD), len(FLAT) + len(AWKWARD)),
    "awkward only": (document(AWKWARD), len(AWKWARD)),
    "empty": (document([]), 0),
    "other keys around": (
        '{"meta": {"k": [1, 2]}, "data": {"count": 3, "allShows": [' + ",".join(FLAT[:3]) + '], "next": null}}', 3
    ),
}
STREAMED = {
    "an escape outside the records": '{"z": "\\u00e9", "data": {"allShows": [' + FLAT[0] + "]}}",
    "an escaped second records key": document(FLAT[:2], after=', "all\\u0053hows": [' + FLAT[3] + "]"),
    "a longer escaped second records key": document(
        FLAT[:1], after=', "all\\u0053hows": [' + ",".join(FLAT[1:4]) + "]"
    ),
    "two records keys": '{"data": {"allShows": [' + FLAT[0] + ']}, "x": {"allShows": [' + FLAT[1] + "]}}",
    "a record 100,000 levels deep": document([FLAT[0], record(99, movie_title=nested(100_000)), FLAT[1]]),
    "a lone escaped surrogate": document([FLAT[0], record(13, movie_title='"Bad \\ud800 title"')]),  # ijson: '?'
    "data named twice": '{"data": {"other": 1}, "data": {"allShows": [' + FLAT[0] + "]}}",
}
FAILING = {
    "truncated": document(FLAT)[:-40],
    "trailing garbage": document(FLAT) + " x",
    "records not an array": '{"data": {"allShows": {"a": 1}}}',
    "no records": '{"data": {"shows": []}}',
    "invalid JSON in a record": document([FLAT[0], '{"movie_ID": tru}']),
    "NaN": document([record(1, movie_length="NaN")]),
}


@pytest.mark.parametrize("name", [*NATIVE, *STREAMED, *FAILING])
def test_both_parsers_land_the_same_rows_or_fail_alike(name: str, tmp_path: Path) -> None:
    text = NATIVE[name][0] if name in NATIVE else {**STREAMED, **FAILING}[name]
    path = tmp_path / "feed.json"
    path.write_text(text, encoding="utf-8")
    native_parser, native = read(path, whole_document_max_mib=64)
    streaming_parser, streamed = read(path, whole_document_max_mib=0)
    assert streaming_parser == "streaming"
    if name in NATIVE:
        assert native_parser == "native"
        assert isinstance(native, pa.Table) and native.num_rows == NATIVE[name][1]
    if name in STREAMED:
        assert native_parser == "streaming"
    if name in FAILING:
        assert isinstance(native, str) and isinstance(streamed, str), (native, streamed)
    if isinstance(native, pa.Table) and isinstance(streamed, pa.Table):
        assert native.to_pylist() == streamed.to_pylist()
    else:
        assert native == streamed


def test_the_native_parser_keeps_every_value_as_the_feed_wrote_it(tmp_path: Path) -> None:
    path = tmp_path / "feed.json.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + document(FLAT + AWKWARD).encode()))
    parser, table = read(path, whole_document_max_mib=64)
    assert parser == "native" and isinstance(table, pa.Table)
    rows = table.to_pylist()
    assert [r["_record_index"] for r in rows] == list(range(len(FLAT) + len(AWKWARD)))
    by_index = {r["_record_index"]: r for r in rows}
    assert [(by_index[i]["movie_length"], by_index[i]["cinema_id"], by_index[i]["is_active"]) for i in (1, 2, 3)] == [
        ("166", "12", "true"),
        ("1.50", "123456789012345678901234567890", "false"),
        ("1E+5", "7", None),
    ]
    assert by_index[3]["movie_rating"] == "-0.0" and by_index[3]["movie_format"] == "[IMAX] {3D}"
    assert by_index[4]["movie_title"] == 'Amélie "quoted" \\ /' and by_index[4]["screen_name"] == "Salle é 🎬"
    assert by_index[5]["movie_title"] == "Dune\ufffdPart Two" and by_index[5]["screen_name"] == "\\t tab"
    assert json.loads(by_index[6]["_extra_fields"]) == {"unknown_scalar": 42, "unknown_text": "x"}
    assert by_index[7]["movie_id"] == "dup"
    assert (by_index[8]["movie_title"], by_index[8]["movie_length"], by_index[8]["movie_rating"]) == (
        "18446744073709551616", "-9223372036854775809", "1E-7",
    )  # fmt: skip
    awkward = [
        (r["_invalid_record"], r["_reject_reason"], r["movie_id"], r["movie_title"], r["_extra_fields"])
        for r in rows[len(FLAT) :]
    ]
    assert awkward == [
        ("a string record", None, None, None, None),
        ("42", None, None, None, None),
        ("null", None, None, None, None),
        ("true", None, None, None, None),
        ("[1, 2]", None, None, None, None),
        (None, None, None, None, None),
        (None, None, "HO00000010", "Dune: Part Two", '{"extra_nested": {"a": [1, {"b": null}]}}'),
        (None, None, "HO00000011", json.dumps(json.loads(nested(32))), None),
        (None, "the record is nested deeper than 32 levels", None, None, None),
    ]


def test_a_wrongly_paired_surrogate_fails_the_feed_with_one_line(tmp_path: Path) -> None:
    """yajl cannot go on after an escaped surrogate pair in the wrong order (it raised a bare
    UnicodeDecodeError before); msgspec refuses the document's outline, so it is streamed."""
    path = tmp_path / "feed.json"
    path.write_text(document([FLAT[0], record(14, movie_title='"\\udc00\\ud800"'), FLAT[1]]))
    expected = f"shows feed {path}: invalid JSON (after record 1: a wrongly paired escaped surrogate)"
    assert read(path, whole_document_max_mib=64) == ("streaming", expected)
    assert read(path, whole_document_max_mib=0) == ("streaming", expected)


def test_a_document_over_the_limit_is_streamed_from_its_first_byte() -> None:
    """What was read to find out that a document is too large is handed back in front of the
    rest, in reads of any size."""
    from ingestion.shows.feed import _read_up_to

    data = bytes(range(256)) * 40
    document, stream = _read_up_to(io.BytesIO(data), limit=1000)
    assert document is None
    parts = [stream.read(7) for _ in range(200)] + [stream.read()]
    assert b"".join(parts) == data and stream.read(5) == b""
    document, stream = _read_up_to(io.BytesIO(data), limit=len(data))
    assert document == data and stream.read() == b""
