"""TMDB enrichment end to end on both targets, against a fake TMDB on loopback:
land a feed, build, `marquee ingest tmdb`, build; assert exact mart values.
The same run is the canary: a fake API key (sent as a query parameter, the
riskier form) goes through success, retry, not-found and refused paths and must
not appear in any output, log, error, dlt trace, dbt artifact or warehouse
text. On DuckDB, a run killed half-way then re-run completes the rest without
refetching anything that succeeded."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import dlt
import pytest

from ingestion.settings import PROJECT_DIR
from tests.fakes.tmdb_server import FakeTmdb
from tests.conftest import Warehouse, write_feed

CANARY = "canary-7f3c9e2b-do-not-leak"
FAST_CLIENT = {
    "TMDB_RATE_LIMIT": "200",
    "TMDB_BACKOFF_BASE_SECONDS": "0.02",
    "TMDB_TIMEOUT_SECONDS": "0.5",
    "TMDB_MAX_ATTEMPTS": "4",
    "TMDB_LAND_EVERY": "3",
}


def show(movie: str, title: str, time_text: str, cinema: int = 1, screen: str = "Screen 1") -> dict[str, Any]:
    return {
        "movie_showTime": time_text,
        "screen_name": screen,
        "is_active": "1",
        "movie_ID": movie,
        "movie_title": title,
        "movie_rating": "PG-13",
        "movie_length": 120,
        "movie_format": "2D",
        "cinema_id": cinema,
        "movie_genere": "Drama",
        "movie_image_new": f"https://img.example/{movie}.jpg",
    }


FEED = [
    show("M1", "Inception", "2026-12-05T18:00:00Z"),
    show("M1", "Inception", "2026-12-06T18:00:00Z", screen="Screen 2"),
    show("M2", "Ocean's Eleven", "2026-12-05T20:00:00Z"),
    show("M3", "No Such Film Anywhere", "2026-12-07T20:00:00Z"),
]


@pytest.fixture
def tmdb_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAST_CLIENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TMDB_API_READ_TOKEN", raising=False)
    monkeypatch.delenv("TMDB_API_KEY", raising=False)


def test_tmdb_end_to_end_exact_marts_and_no_leak(
    warehouse: Warehouse,
    tmp_path: Path,
    tmdb_env: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    traces = _record_dlt_traces(monkeypatch)
    outputs: list[str] = []

    def marquee(*args: str) -> Any:
        result = warehouse.marquee(*args)
        outputs.extend([result.out, result.err])
        return result

    with FakeTmdb(token=CANARY, slow_seconds=1.0) as tmdb:
        monkeypatch.setenv("TMDB_API_BASE_URL", tmdb.base_url)
        tmdb.script("/3/movie/27205", "500", "slow", "ok")  # Inception: retried twice
        tmdb.script("/3/tv/1396", "invalid", "ok")
        tmdb.script("/3/search/movie", "429")

        assert marquee("ingest", "shows", "--source", write_feed(tmp_path / "feed.json", FEED)).code == 0
        assert marquee("build").code == 0
        # without credentials: the bundled recordings, through a local server; --limit takes the first item
        sample = marquee("ingest", "tmdb", "--limit", "1")
        assert "serving the bundled recorded responses" in sample.out
        assert "TMDB: 1 title: 1 fetched, 0 not found, 0 failed" in sample.out  # The Bear, by IMDb id
        assert not tmdb.requests

        monkeypatch.setenv("TMDB_API_KEY", CANARY)
        fetched = marquee("ingest", "tmdb")
        assert fetched.code == 0, fetched.err
        assert "TMDB: 5 titles: 4 fetched, 1 not found, 0 failed" in fetched.out
        assert "recorded" not in fetched.out  # credentials given: the configured server, not the recordings
        assert "TMDB [" in fetched.err  # the progress bar
        assert marquee("build").code == 0

        # a second fetch only retries what did not succeed (the unknown title: one search per variant)
        today = datetime.now(timezone.utc).date()
        before = len(tmdb.requests)
        again = marquee("ingest", "tmdb")
        assert "TMDB: 1 title: 0 fetched, 1 not found" in again.out
        assert [seen.path for seen in tmdb.requests[before:]] == ["/3/movie/changes", "/3/tv/changes", "/3/search/movie"]
        # the first fetch (the recordings') read the latest 14 days; each later one from the last day read
        assert warehouse.sql("select min(window_start), max(window_end) from raw.tmdb_changes") == [
            (today - timedelta(days=14), today)
        ]
        windows = [(q.query["start_date"], q.query["end_date"]) for q in tmdb.requests if q.path == "/3/movie/changes"]
        assert windows == [(str(today), str(today))] * 2

        # two days later (the fetches and the last window moved back): the change lists name
        # Inception, fetched within the refresh window; it alone is fetched again
        with warehouse.target.transaction() as cur:
            cur.execute("update raw.tmdb_fetch_log set attempted_at = attempted_at - interval '2 days'")
            cur.execute("update raw.tmdb_changes set window_start = window_start - interval '2 days', "
                        "window_end = window_end - interval '2 days'")  # fmt: skip
        tmdb.changes["movie"], tmdb.changes_page_size = [11, 27205, 99], 2  # two pages
        before = len(tmdb.requests)
        changed = marquee("ingest", "tmdb")
        assert changed.code == 0, changed.err
        assert f"TMDB: change lists {today - timedelta(days=2)}..{today}: 1 title fetched before changed." in changed.out
        asked = [seen.path for seen in tmdb.requests[before:]]
        assert asked.count("/3/movie/changes") == 2 and "/3/movie/27205" in asked
        assert [p for p in asked if p.startswith(("/3/movie/", "/3/tv/")) and not p.endswith("/changes")] == ["/3/movie/27205"]
        assert "TMDB: 2 titles: 1 fetched, 1 not found" in changed.out  # Inception, and the unknown title again
        # of what the lists name, only the titles fetched before land (TMDB lists thousands a day)
        assert warehouse.sql("select media_type, tmdb_id from raw.tmdb_changes where tmdb_id is not null") == [("movie", 27205)]
        # a gap longer than the change lists cover: the latest 14 days, and the refresh window for the rest
        with warehouse.target.transaction() as cur:
            cur.execute("update raw.tmdb_changes set window_start = window_start - interval '20 days', "
                        "window_end = window_end - interval '20 days'")  # fmt: skip
        tmdb.changes["movie"] = []
        gap = marquee("ingest", "tmdb")
        assert f"TMDB: change lists {today - timedelta(days=14)}..{today}: 0 titles fetched before changed; " \
               "the last window covered ended over 14 days ago" in gap.out  # fmt: skip
        assert "TMDB: 1 title: 0 fetched, 1 not found" in gap.out  # nothing that succeeded is fetched again

        # refused credentials: one clear line, exit status 1, nothing retried
        monkeypatch.setenv("TMDB_API_KEY", CANARY + "-wrong")
        refused = marquee("ingest", "tmdb")
        assert refused.code == 1
        assert refused.err.strip().splitlines()[-1].startswith("marquee: error: TMDB refused the credentials (HTTP 401)")
        assert all(seen.query.get("api_key") in (CANARY, CANARY + "-wrong") for seen in tmdb.requests)

    _assert_marts(warehouse)
    _assert_no_leak(warehouse, outputs + [caplog.text] + traces)


def _assert_marts(w: Warehouse) -> None:
    inception = w.sql(
        "select media_id, tmdb_id, media_type, imdb_id, title, original_title, release_date, runtime_minutes, "
        "original_language, poster_url, backdrop_url, trailer_url, director from marts.media where tmdb_id = 27205"
    )
    assert inception == [
        (
            "movie:27205", 27205, "movie", "tt1375666", "Inception", "Inception", date(2010, 7, 15), 148, "en",
            "https://image.tmdb.org/t/p/w500/sample-27205-poster.jpg",
            "https://image.tmdb.org/t/p/w1280/sample-27205-backdrop.jpg",
            "https://www.youtube.com/embed/YoHD9XEInc0", "Christopher Nolan",
        )
    ]  # fmt: skip
    media = w.sql("select media_id, title, runtime_minutes, trailer_url, director from marts.media order by media_id")
    assert media == [
        ("movie:161", "Ocean's Eleven", 116, None, "Steven Soderbergh"),
        ("movie:27205", "Inception", 148, "https://www.youtube.com/embed/YoHD9XEInc0", "Christopher Nolan"),
        ("tv:136315", "The Bear", 30, None, "Christopher Storer"),
        ("tv:1396", "Breaking Bad", 47, None, "Vince Gilligan"),
        ("tv:87108", "Chernobyl", 65, "https://www.youtube.com/embed/s9APLXM9Ei8", "Craig Mazin"),
    ]
    assert w.sql("select genre_id, genre_name from marts.media_genres where media_id = 'movie:27205' order by genre_id") == [
        (12, "Adventure"), (28, "Action"), (878, "Science Fiction"),
    ]  # fmt: skip
    assert w.sql(
        "select credit_type, person_name, character_name, cast_order, job from marts.media_credits "
        "where media_id = 'movie:27205' order by credit_type, cast_order"
    ) == [
        ("cast", "Leonardo DiCaprio", "Dom Cobb", 0, None),
        ("cast", "Joseph Gordon-Levitt", "Arthur", 1, None),
        ("cast", "Elliot Page", "Ariadne", 2, None),
        ("crew", "Christopher Nolan", None, None, "Director"),
    ]
    assert w.sql(
        "select source, region_code, offer_type, provider_id, provider_name from marts.media_availability "
        "where media_id = 'movie:27205' order by region_code, offer_type"
    ) == [
        ("tmdb", "GB", "flatrate", 8, "Netflix"),
        ("tmdb", "US", "flatrate", 8, "Netflix"),
        ("tmdb", "US", "rent", 2, "Apple TV"),
    ]
    assert w.sql(
        "select lookup_kind, lookup_value, imdb_id, tmdb_id, media_type, poster_url, trailer_embed_url, processed_status "
        "from marts.media_links order by lookup_kind, lookup_value"
    ) == [
        ("imdb", "tt14452776", "tt14452776", 136315, "tv", "https://image.tmdb.org/t/p/w500/sample-tv-136315-poster.jpg", None, "SUCCESS"),
        ("title", "Inception", "tt1375666", 27205, "movie", "https://image.tmdb.org/t/p/w500/sample-27205-poster.jpg",
         "https://www.youtube.com/embed/YoHD9XEInc0", "SUCCESS"),
        ("title", "No Such Film Anywhere", None, None, None, None, None, "NOT_FOUND"),
        ("title", "Ocean's Eleven", "tt0240772", 161, "movie", "https://image.tmdb.org/t/p/w500/sample-161-poster.jpg", None, "SUCCESS"),
        ("tv", "1396", "tt0903747", 1396, "tv", "https://image.tmdb.org/t/p/w500/sample-tv-1396-poster.jpg", None, "SUCCESS"),
        ("tv", "87108", "tt7366338", 87108, "tv", "https://image.tmdb.org/t/p/w500/sample-tv-87108-poster.jpg",
         "https://www.youtube.com/embed/s9APLXM9Ei8", "SUCCESS"),
    ]  # fmt: skip
    assert w.sql("select movie_id, screen_name, tmdb_id from marts.master_shows order by movie_id, screen_name") == [
        ("M1", "Screen 1", 27205), ("M1", "Screen 2", 27205), ("M2", "Screen 1", 161), ("M3", "Screen 1", None),
    ]  # fmt: skip
    assert w.sql("select count(*), count(dbt_valid_to) from marts.media_history") == [(5, 0)]
    # the raw log: one outcome per item per run (the unknown title tried in 4 runs), 6 successes:
    # each title fetched once, and Inception again when the change lists named it
    assert w.sql("select status, count(*) from raw.tmdb_fetch_log group by status order by status") == [
        ("not_found", 4), ("success", 6),
    ]  # fmt: skip
    assert w.scalar("select count(*) from raw.tmdb_titles") == 6


def _record_dlt_traces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Capture the text of every dlt pipeline trace (their directories are temporary)."""
    traces: list[str] = []
    real_pipeline = dlt.pipeline

    def pipeline(*args: Any, **kwargs: Any) -> Any:
        created = real_pipeline(*args, **kwargs)
        real_run = created.run

        def run(*run_args: Any, **run_kwargs: Any) -> Any:
            try:
                return real_run(*run_args, **run_kwargs)
            finally:
                trace = created.last_trace
                if trace is not None:
                    traces.append(str(trace.asdict()) + trace.asstr(verbosity=2))

        created.run = run
        return created

    monkeypatch.setattr(dlt, "pipeline", pipeline)
    return traces


def _assert_no_leak(w: Warehouse, texts: list[str]) -> None:
    assert texts and all(CANARY not in text for text in texts), "the API key appeared in output, logs or a dlt trace"
    artifacts = [*(PROJECT_DIR / "target").rglob("*"), *(PROJECT_DIR / "logs").rglob("*")]  # dbt's artifacts and log
    for path in artifacts:
        if path.is_file() and path.stat().st_size < 50_000_000:
            assert CANARY.encode() not in path.read_bytes(), f"the API key appeared in {path}"
    columns = w.sql(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('raw', 'staging', 'intermediate', 'marts', 'seeds')"
    )
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in columns:
        tables.setdefault((schema, table), []).append(column)
    assert ("raw", "tmdb_fetch_log") in tables
    for (schema, table), names in tables.items():
        text = " || '|' || ".join(f"coalesce(cast(\"{name}\" as varchar), '')" for name in names)
        hits = w.scalar(f'select count(*) from "{schema}"."{table}" where ({text}) like ?', (f"%{CANARY}%",))
        assert hits == 0, f"the API key appeared in {schema}.{table}"


FILMS = ["Dune: Part Two", "Oppenheimer", "Barbie", "Poor Things", "Conclave", "Wicked", "Inception", "Past Lives"]


def test_image_settings_language_and_regions_come_from_configuration_and_settings(
    warehouse: Warehouse, tmp_path: Path, tmdb_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Image URLs follow TMDB's /configuration (read when due, every few days, not every fetch);
    titles are asked in the configured language, whose trailers are preferred; only the
    configured watch-provider regions reach the marts."""
    monkeypatch.setenv("TMDB_LANGUAGE", "de-DE")
    monkeypatch.setenv("MARQUEE_TMDB_WATCH_REGIONS", "gb")
    with FakeTmdb(token=CANARY) as tmdb:
        monkeypatch.setenv("TMDB_API_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_KEY", CANARY)
        tmdb.recorded.configuration = {"images": {
            "secure_base_url": "https://images.example/t/p/",
            "poster_sizes": ["w342", "w500", "original"], "backdrop_sizes": ["w780", "original"],
        }}  # fmt: skip
        assert warehouse.marquee("ingest", "shows", "--source", write_feed(tmp_path / "feed.json", FEED[:3])).code == 0
        assert warehouse.marquee("build").code == 0
        fetched = warehouse.marquee("ingest", "tmdb")
        assert fetched.code == 0, fetched.err
        assert "TMDB: read the image configuration (base URL and sizes)." in fetched.out
        assert tmdb.count("/3/configuration") == 1
        asked = [seen for seen in tmdb.requests if re.fullmatch(r"/3/(movie|tv)/[0-9]+|/3/search/movie", seen.path)]
        assert asked and {seen.query.get("language") for seen in asked} == {"de-DE"}
        assert warehouse.marquee("build").code == 0

        # w500 is offered, w1280 is not: the backdrop falls back to `original`; TMDB's base URL
        assert warehouse.sql("select poster_url, backdrop_url from marts.media where tmdb_id = 27205") == [(
            "https://images.example/t/p/w500/sample-27205-poster.jpg",
            "https://images.example/t/p/original/sample-27205-backdrop.jpg",
        )]  # fmt: skip
        assert warehouse.sql("select distinct requested_language from raw.tmdb_titles") == [("de-DE",)]
        # the sample's Inception lists GB and US: only GB is kept
        assert warehouse.sql(
            "select region_code, offer_type, provider_name from marts.media_availability "
            "where media_id = 'movie:27205' order by region_code, offer_type"
        ) == [("GB", "flatrate", "Netflix")]

        # a fetch within the refresh interval does not ask again
        assert warehouse.marquee("ingest", "tmdb").code == 0
        assert tmdb.count("/3/configuration") == 1
        # four days on (over the 3-day interval), TMDB's configuration has changed: read again,
        # and the image settings follow it (a view: current as soon as it lands)
        with warehouse.target.transaction() as cur:
            cur.execute("update raw.tmdb_configuration set fetched_at = fetched_at - interval '4 days'")
        tmdb.recorded.configuration = {"images": {
            "secure_base_url": "https://cdn2.example/p/", "poster_sizes": ["w185", "original"], "backdrop_sizes": ["w1280"],
        }}  # fmt: skip
        again = warehouse.marquee("ingest", "tmdb")
        assert again.code == 0, again.err
        assert tmdb.count("/3/configuration") == 2
        assert warehouse.sql(
            "select image_base_url, poster_size, backdrop_size, is_refresh_due from intermediate.int_tmdb_image_settings"
        ) == [("https://cdn2.example/p/", "original", "w1280", False)]
        assert warehouse.scalar("select count(*) from raw.tmdb_configuration") == 2
        # a configuration that cannot be read keeps the last one: one line, and the fetch goes on
        with warehouse.target.transaction() as cur:
            cur.execute("update raw.tmdb_configuration set fetched_at = fetched_at - interval '4 days'")
        tmdb.fail_always("/3/configuration", "500")
        failed = warehouse.marquee("ingest", "tmdb")
        assert failed.code == 0, failed.err
        assert "marquee: TMDB configuration:" in failed.err and "the image settings last read stay in use" in failed.err
        assert warehouse.scalar("select image_base_url from intermediate.int_tmdb_image_settings") == "https://cdn2.example/p/"
        # an answer without images lands (as-is) but is no configuration: the last usable one
        # stays in use, and the read stays due
        tmdb.always.pop("/3/configuration")
        tmdb.recorded.configuration = {"change_keys": ["title"]}
        assert warehouse.marquee("ingest", "tmdb").code == 0
        assert warehouse.scalar("select count(*) from raw.tmdb_configuration") == 3
        assert warehouse.sql("select image_base_url, is_refresh_due from intermediate.int_tmdb_image_settings") == [
            ("https://cdn2.example/p/", True)
        ]
        # TMDB_IMAGE_BASE_URL replaces TMDB's base URL (a CDN of one's own; the fetch refreshes the view)
        monkeypatch.setenv("TMDB_IMAGE_BASE_URL", "https://own-cdn.example/")
        assert warehouse.marquee("ingest", "tmdb").code == 0
        assert warehouse.scalar("select image_base_url from intermediate.int_tmdb_image_settings") == "https://own-cdn.example/"


def test_killed_run_resumes_without_refetching(warehouse: Warehouse, tmp_path: Path, tmdb_env: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    if warehouse.target.name != "duckdb":
        pytest.skip("the interruption is exercised once, on DuckDB")
    feed = [show(f"F{i}", title, f"2026-12-0{1 + i % 8}T18:00:00Z") for i, title in enumerate(FILMS)]
    for args in (("ingest", "shows", "--source", write_feed(tmp_path / "feed.json", feed)), ("build",)):
        result = warehouse.marquee(*args)  # in-process: dbt releases the DuckDB file when it is done
        assert result.code == 0, result.err + result.out
    cli = [sys.executable, "-m", "marquee.cli"]
    total = len(FILMS) + 3  # and the pinned titles

    with FakeTmdb(token=CANARY) as tmdb:
        tmdb.hang_after = 10  # the server stops answering after 10 requests: the run is stuck mid-way
        env = {
            **os.environ,
            "TMDB_API_BASE_URL": tmdb.base_url,
            "TMDB_API_READ_TOKEN": CANARY,
            "TMDB_LAND_EVERY": "2",
            "TMDB_MAX_CONNECTIONS": "2",
            "TMDB_TIMEOUT_SECONDS": "30",
        }
        process = subprocess.Popen(
            [*cli, "ingest", "tmdb", "--target", "duckdb"],
            cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while len(tmdb.requests) <= 10 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert len(tmdb.requests) > 10, process.communicate()[0].decode()[-2000:]
        time.sleep(6)  # let the batches fetched so far finish landing
        process.send_signal(signal.SIGKILL)
        process.wait()

    landed = warehouse.sql("select lookup_kind, lookup_value, tmdb_id, media_type from raw.tmdb_fetch_log where status = 'success'")
    assert 2 <= len(landed) < total, landed

    with FakeTmdb(token=CANARY) as tmdb:
        monkeypatch.setenv("TMDB_API_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_READ_TOKEN", CANARY)
        resumed = warehouse.marquee("ingest", "tmdb")
        assert resumed.code == 0, resumed.err
        assert f"TMDB: {total - len(landed)} titles: {total - len(landed)} fetched, 0 not found, 0 failed" in resumed.out
        asked = Counter((seen.path, seen.query.get("query")) for seen in tmdb.requests)
    for kind, value, tmdb_id, media_type in landed:
        assert (f"/3/{media_type}/{tmdb_id}", None) not in asked, f"{media_type} {tmdb_id} was fetched again"
        if kind == "title":
            assert ("/3/search/movie", value) not in asked, f"{value!r} was searched again"

    assert warehouse.scalar("select count(distinct work_item_id) from raw.tmdb_fetch_log where status = 'success'") == total
    assert warehouse.scalar("select count(*) from raw.tmdb_fetch_log where status = 'success'") == total
    duplicates = warehouse.sql("select media_type, tmdb_id from raw.tmdb_titles group by media_type, tmdb_id having count(*) > 1")
    assert duplicates == []
    assert "nothing to fetch" in warehouse.marquee("ingest", "tmdb").out
