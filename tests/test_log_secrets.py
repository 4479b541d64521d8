"""No log level or format carries a credential: the TMDB API key (sent in the
query string), a feed URL's password and query token, in `--verbose`, in
`MARQUEE_LOG_FORMAT=json` and in both, whatever library logs them (httpx, dlt,
dbt). Checked on what the CLI prints, on every log record Python's logging
creates (caplog sees records before any handler) and on the log files dbt and
dlt leave behind. The log format is the engine's business only where the
warehouse is written, so DuckDB is enough."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ingestion.settings import PROJECT_DIR
from tests.fakes.tmdb_server import FakeTmdb
from tests.conftest import Warehouse, WarehouseTemplates, run_cli, write_feed
from tests.test_shows_pipeline import FEED_B, SHOWS, land_and_build_feed_a
from tests.test_shows_sources import feed_server  # noqa: F401 - a fixture
from tests.test_tmdb_pipeline import FAST_CLIENT

API_KEY = "canary-key-5d1e0c7a"
FEED_PASSWORD = "canary-password-91b2"
FEED_TOKEN = "canary-token-3f4a"
MODES = {
    "verbose": (["--verbose"], {}),
    "json": ([], {"MARQUEE_LOG_FORMAT": "json"}),
    "verbose json": (["--verbose"], {"MARQUEE_LOG_FORMAT": "json"}),
}


@pytest.mark.parametrize("mode", MODES)
def test_no_credential_in_any_log_mode(
    duckdb_warehouse: Warehouse,
    tmp_path: Path,
    feed_server: str,  # noqa: F811
    mode: str,
    warehouse_templates: WarehouseTemplates,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    flags, env = MODES[mode]
    for name, value in {**FAST_CLIENT, **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TMDB_API_READ_TOKEN", raising=False)
    w = duckdb_warehouse
    warehouse_templates.restore(w, "feed_a_built", land_and_build_feed_a)  # built: TMDB has a work list
    printed: list[str] = []

    def marquee(*args: str) -> int:
        result = run_cli(*flags, *args, "--target", "duckdb")
        printed.extend([result.out, result.err])
        return result.code

    write_feed(tmp_path / "feed.json", FEED_B)
    host = feed_server.removeprefix("http://")
    feed_url = f"http://reader:{FEED_PASSWORD}@{host}/feed.json?token={FEED_TOKEN}"
    with caplog.at_level(logging.DEBUG):
        assert marquee("ingest", "shows", "--source", feed_url) == 0, printed
        assert marquee("ingest", "shows", "--source", feed_url.replace("feed.json", "missing.json")) == 1
        assert marquee("build", "--select", SHOWS) == 0, printed
        with FakeTmdb(token=API_KEY) as tmdb:
            monkeypatch.setenv("TMDB_API_BASE_URL", tmdb.base_url)
            monkeypatch.setenv("TMDB_API_KEY", API_KEY)
            tmdb.script("/3/search/movie", "500")  # a retry: logged with its URL
            assert marquee("ingest", "tmdb") == 0, printed
            assert any(seen.query.get("api_key") == API_KEY for seen in tmdb.requests)  # the key was used

    logged = "\n".join(printed)
    if "--verbose" in flags:  # the requests are logged (httpx), with their credentials masked
        assert "api_key=<redacted>" in logged and f"{host}/feed.json?token=<redacted>" in logged
    texts = {"printed": logged, "log records": caplog.text}
    for folder in ("logs", "target"):
        for path in (PROJECT_DIR / folder).rglob("*.log"):
            texts[str(path)] = path.read_text(errors="replace")
    for where, text in texts.items():
        for secret in (API_KEY, FEED_PASSWORD, FEED_TOKEN):
            assert secret not in text, f"{secret} appeared in {where} ({mode})"
    assert w.scalar("select count(*) from raw.shows") == 12 + 4  # feed A, then B by URL
