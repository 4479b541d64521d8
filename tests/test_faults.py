"""Smaller faults, each ending in one clear line (never a traceback) or being
handled: a feed URL that drips bytes (overall deadline), a feed that is gzip
(read transparently) or UTF-16 (named, not quoted), a DuckDB file that is
corrupt, truncated, read-only or a directory, a TMDB run in which every title
failed (exit 1), and a killed run's dlt working directory (removed by the next
run). DuckDB: none of these depends on the engine except the file itself."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.settings import PROJECT_DIR
from tests.fakes.tmdb_server import FakeTmdb
from tests.conftest import Warehouse, WarehouseTemplates, run_cli, write_feed
from tests.test_shows_pipeline import FEED_B, land_and_build_feed_a
from tests.test_tmdb_pipeline import FAST_CLIENT


@pytest.fixture
def drip_server() -> Iterator[str]:
    """Answers 200 and then one byte of a feed every 0.5 s, for ever (until the client leaves)."""
    body = json.dumps({"data": {"allShows": FEED_B}}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.json"
    server.shutdown()
    server.server_close()


def one_line_error(result: object) -> str:
    lines = result.err.strip().splitlines()  # type: ignore[attr-defined]
    assert result.code == 1 and len(lines) == 1, result.err  # type: ignore[attr-defined]
    return lines[0]


def test_a_dripping_feed_url_meets_the_deadline(
    duckdb_warehouse: Warehouse, drip_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARQUEE_FEED_DEADLINE_SECONDS", "2")
    started = time.monotonic()
    result = duckdb_warehouse.marquee("ingest", "shows", "--source", drip_server)
    assert time.monotonic() - started < 10
    line = one_line_error(result)
    assert line == (
        f"marquee: error: shows feed {drip_server}: not received within 2 s (MARQUEE_FEED_DEADLINE_SECONDS)"
    )
    assert not duckdb_warehouse.target.path.exists() or duckdb_warehouse.sql(
        "select count(*) from information_schema.tables where table_name = 'shows'"
    ) == [(0,)]


def test_gzip_feeds_are_read_and_utf16_feeds_named(duckdb_warehouse: Warehouse, tmp_path: Path) -> None:
    document = json.dumps({"data": {"allShows": FEED_B}}, ensure_ascii=False)
    (tmp_path / "feed.json.gz").write_bytes(gzip.compress(document.encode()))
    (tmp_path / "feed-utf16.json").write_bytes(document.encode("utf-16"))
    (tmp_path / "feed-utf16be.json").write_bytes(document.encode("utf-16-be"))
    (tmp_path / "feed-bom.json").write_bytes(b"\xef\xbb\xbf" + document.encode())
    (tmp_path / "broken.json.gz").write_bytes(gzip.compress(document.encode())[:60])

    for name in ("feed.json.gz", "feed-bom.json"):
        ok = duckdb_warehouse.marquee("ingest", "shows", "--source", str(tmp_path / name))
        assert ok.code == 0, ok.err
        assert "Landed 4 show records" in ok.out
    for name in ("feed-utf16.json", "feed-utf16be.json"):
        line = one_line_error(duckdb_warehouse.marquee("ingest", "shows", "--source", str(tmp_path / name)))
        assert line == (
            f"marquee: error: shows feed {tmp_path / name}: not UTF-8 text (it looks like UTF-16); save it as UTF-8"
        )
    line = one_line_error(duckdb_warehouse.marquee("ingest", "shows", "--source", str(tmp_path / "broken.json.gz")))
    assert line.startswith(f"marquee: error: shows feed {tmp_path / 'broken.json.gz'}: gzip data is corrupt or truncated")
    assert duckdb_warehouse.sql("select count(*), count(distinct _dlt_load_id) from raw.shows") == [(8, 2)]


def test_an_unusable_duckdb_file_is_named_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed = write_feed(tmp_path / "feed.json", FEED_B)
    good = tmp_path / "good" / "warehouse.duckdb"
    monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(good))
    assert run_cli("ingest", "shows", "--source", feed, "--target", "duckdb").code == 0

    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"this is not a database" * 1000)
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(good.read_bytes()[:5000])
    read_only = tmp_path / "read-only.duckdb"
    read_only.write_bytes(good.read_bytes())
    read_only.chmod(stat.S_IRUSR | stat.S_IRGRP)
    directory = tmp_path / "a-directory.duckdb"
    directory.mkdir()
    cases = {
        corrupt: "is not a usable DuckDB database",
        truncated: "is not a usable DuckDB database",
        read_only: "is read-only",
        directory: "is a directory, not a DuckDB file",
    }
    for path, problem in cases.items():
        monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(path))
        for command in (["ingest", "shows", "--source", feed], ["build"], ["status"]):
            if path == read_only and command == ["status"]:
                status = run_cli(*command, "--target", "duckdb")  # reading a read-only file is fine
                assert status.code == 0 and "Traceback" not in status.err, status.err
                continue
            line = one_line_error(run_cli(*command, "--target", "duckdb"))
            assert line.startswith(f"marquee: error: DuckDB file {path} {problem}"), (command, line)
    assert read_only.read_bytes() == good.read_bytes()  # nothing was written to it


def test_a_tmdb_run_in_which_every_title_failed_exits_1(
    duckdb_warehouse: Warehouse, warehouse_templates: WarehouseTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse_templates.restore(duckdb_warehouse, "feed_a_built", land_and_build_feed_a)
    for name, value in FAST_CLIENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TMDB_MAX_ATTEMPTS", "1")
    with FakeTmdb(token="t0ken-for-the-test", fault_share=1.0, fault_seed=1) as tmdb:  # every request fails
        monkeypatch.setenv("TMDB_API_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_READ_TOKEN", "t0ken-for-the-test")
        result = duckdb_warehouse.marquee("ingest", "tmdb")
    assert result.code == 1
    assert "TMDB: 9 titles: 0 fetched, 0 not found, 9 failed" in result.out
    assert result.err.strip().splitlines()[-1] == (
        "marquee: error: TMDB: every one of the 9 titles failed (their outcomes were landed; see marts.media_links)"
    )
    assert duckdb_warehouse.scalar("select count(*) from raw.tmdb_fetch_log where status = 'failed'") == 9


def test_a_killed_run_leaves_no_dlt_working_directory(
    duckdb_warehouse: Warehouse, drip_server: str, tmp_path: Path
) -> None:
    from marquee.landing import working_directory

    directory = working_directory(duckdb_warehouse.target, "marquee_shows")
    assert directory.parent == Path(tempfile.gettempdir()) and directory.name.startswith("marquee-dlt-")
    process = subprocess.Popen(
        [sys.executable, "-m", "marquee.cli", "ingest", "shows", "--source", drip_server, "--target", "duckdb"],
        cwd=PROJECT_DIR, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(directory.rglob("*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert any(directory.rglob("*")), "the ingest never wrote its working directory"  # the kill left it behind

    result = duckdb_warehouse.marquee("ingest", "shows", "--source", write_feed(tmp_path / "feed.json", FEED_B))
    assert result.code == 0, result.err
    assert not directory.exists()  # the next run of this warehouse removed it
    assert duckdb_warehouse.sql("select count(*) from raw.shows") == [(4,)]
