"""`marquee ingest shows` with bad sources: exit status 1, one clear line naming
the source and the problem, nothing loaded, nothing loaded before changed.
Also the good paths: a feed over HTTP, and a feed of many batches."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Warehouse, write_feed
from tests.test_shows_pipeline import FEED_B, show


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[str]:
    """Serve tmp_path over HTTP on loopback; yields the base URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def raw_state(w: Warehouse) -> list[tuple]:
    return w.sql("select _dlt_load_id, count(*) from raw.shows group by _dlt_load_id order by 1")


BAD_DOCUMENTS = {
    "invalid.json": ('{"data": {"allShows": [{"movie_ID": "M1",, }]}}', "invalid JSON"),
    "truncated.json": (json.dumps({"data": {"allShows": FEED_B}})[:-40], "invalid JSON"),
    "array.json": (json.dumps(FEED_B), 'wrong shape: expected {"data": {"allShows": [...]}}'),
    "object.json": (json.dumps({"data": {"allShows": {"a": 1}}}), "wrong shape"),
    "empty.json": ("", "invalid JSON"),
    "trailing.json": (json.dumps({"data": {"allShows": FEED_B}}) + " garbage", "invalid JSON"),
}


def test_bad_sources_fail_cleanly_and_change_nothing(warehouse: Warehouse, tmp_path: Path, feed_server: str) -> None:
    good = write_feed(tmp_path / "good.json", FEED_B)
    assert warehouse.marquee("ingest", "shows", "--source", good).code == 0
    before = raw_state(warehouse)
    assert [count for _, count in before] == [4]

    cases = []
    for name, (content, problem) in BAD_DOCUMENTS.items():
        (tmp_path / name).write_text(content)
        cases.append((str(tmp_path / name), problem))
    cases += [
        (str(tmp_path / "missing.json"), "no such file"),
        (str(tmp_path), "not a file"),
        (f"{feed_server}/nothing-here.json", "server answered HTTP 404"),
        (f"{feed_server}/truncated.json", "invalid JSON"),
        ("http://127.0.0.1:9/feed.json", "unreachable (ConnectError)"),
    ]
    for source, problem in cases:
        result = warehouse.marquee("ingest", "shows", "--source", source)
        assert result.code == 1, source
        lines = result.err.strip().splitlines()
        assert len(lines) == 1, result.err
        assert lines[0].startswith(f"marquee: error: shows feed {source}: "), lines[0]
        assert problem in lines[0], lines[0]
        assert raw_state(warehouse) == before, source


def test_url_credentials_never_appear(warehouse: Warehouse, tmp_path: Path, feed_server: str) -> None:
    write_feed(tmp_path / "feed.json", FEED_B)
    secret = "s3cr3t-token-value"
    ok = warehouse.marquee("ingest", "shows", "--source", f"{feed_server}/feed.json?token={secret}")
    assert ok.code == 0, ok.err
    bad = warehouse.marquee("ingest", "shows", "--source", f"http://user:{secret}@127.0.0.1:9/feed.json?key={secret}")
    assert bad.code == 1
    assert bad.err.strip() == "marquee: error: shows feed http://127.0.0.1:9/feed.json: unreachable (ConnectError)"
    for text in (ok.out, ok.err, bad.out):
        assert secret not in text
    assert warehouse.sql("select distinct _source from raw.shows") == [(f"{feed_server}/feed.json",)]


def test_a_feed_of_many_batches_lands_every_record(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__SHOWS__BATCH_SIZE", "7")  # dlt's override of [sources.shows] batch_size
    records = [show(f"M{i}", 1 + i % 3, "Screen 1", f"2026-12-{1 + i % 28:02d}T18:00:00Z") for i in range(50)]
    records.insert(20, {**records[3], "extra_field": {"nested": True}})
    result = warehouse.marquee("ingest", "shows", "--source", write_feed(tmp_path / "many.json", records))
    assert result.code == 0, result.err
    assert warehouse.sql("select count(*), count(distinct _record_index), min(_record_index), max(_record_index) from raw.shows") == [
        (51, 51, 0, 50)
    ]
    assert warehouse.sql("select _record_index, _extra_fields from raw.shows where _extra_fields is not null") == [
        (20, '{"extra_field": {"nested": true}}')
    ]
