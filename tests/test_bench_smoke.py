"""Smoke test of the benchmark suite (bench/), so it cannot rot: the feed
generator at 1,000 shows (its truth counts are exact and deterministic,
checked against the files themselves), S1+S2 at 1,000 shows end to end on
DuckDB (the reconcile log must equal the generator's truth; the dlt scd2 peer's
active and retired rows equal what its rules give on the files) and S4 at 20
titles against the fake TMDB at 200 requests/s with 5 ms latency (every title
back exactly, every injected fault retried once). Timings are not asserted:
benchmarks are run with `make bench`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from bench.generate import NEXT_FETCHED_AT, Changes, FeedTruth, write_feed, write_next_feed
from bench.harness import BenchError, Context
from bench.scenarios import tmdb as s4
from bench.scenarios.shows import measure
from ingestion.shows.feed import _as_text
from ingestion.shows.settings import FEED_FIELDS
from ingestion.tmdb import ClientSettings
from tests.fakes.tmdb_server import SYNTHETIC_ID_BASE, synthetic_details
from ingestion.tmdb.fetch import Batch

SHOWS = 1_000
TRUE = {"1", "true", "t", "yes", "y"}


def _records(path: Path) -> list[Any]:
    return json.loads(path.read_text())["data"]["allShows"]


def _typed(record: dict[str, Any]) -> tuple[tuple, tuple] | None:
    """(key, attributes) as the reconcile types them, or None for a reject."""
    try:
        moment = datetime.fromisoformat(str(record["movie_showTime"]))
        cinema = int(str(record["cinema_id"]))
    except ValueError:
        return None
    if not record["movie_ID"]:
        return None
    moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    active = str(record["is_active"]).lower() in TRUE
    attributes = (record["movie_title"], record["movie_rating"], int(str(record["movie_length"])),
                  record["movie_format"], record["movie_genere"], active, record["movie_image_new"])
    return (record["movie_ID"], cinema, record["screen_name"], moment), attributes


def _outcome(first: Path, second: Path) -> dict[str, int]:
    """The reconcile outcome of `second` after `first`, computed from the files."""
    before = {k: a for k, a in filter(None, map(_typed, _records(first)))}
    typed = [t for t in map(_typed, _records(second))]
    after = {k: a for k, a in filter(None, typed)}  # later records win
    return {
        "inserted": len(after.keys() - before.keys()),
        "updated": sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
        "unchanged": sum(1 for k in after.keys() & before.keys() if after[k] == before[k]),
        "withdrawn": sum(1 for k in before.keys() - after.keys() if k[3] > NEXT_FETCHED_AT),
        "rejected": sum(1 for t in typed if t is None),
        "duplicates": sum(1 for t in typed if t is not None) - len(after),
    }


def test_generator_truth_is_exact_and_deterministic(tmp_path: Path) -> None:
    truths: list[tuple[FeedTruth, FeedTruth]] = []
    for run in ("a", "b"):
        first, second = tmp_path / f"{run}1.json", tmp_path / f"{run}2.json"
        truths.append((write_feed(first, SHOWS), write_next_feed(second, SHOWS)))
    assert truths[0] == truths[1]
    assert (tmp_path / "a1.json").read_bytes() == (tmp_path / "b1.json").read_bytes()
    assert (tmp_path / "a2.json").read_bytes() == (tmp_path / "b2.json").read_bytes()

    first_truth, next_truth = truths[0]
    changes = Changes.percent(SHOWS)
    assert (next_truth.updated, next_truth.inserted, next_truth.withdrawn) == (10, 5, 5) == (
        changes.changed, changes.new, changes.withdrawn)
    assert next_truth.unchanged == SHOWS - 10 - 5
    assert first_truth.inserted == SHOWS and first_truth.rejected == first_truth.duplicates == 1

    empty = tmp_path / "empty.json"
    empty.write_text('{"data": {"allShows": []}}')
    assert _outcome(empty, tmp_path / "a1.json") == {
        k: v for k, v in first_truth.as_dict().items() if k != "records"}
    assert _outcome(tmp_path / "a1.json", tmp_path / "a2.json") == {
        k: v for k, v in next_truth.as_dict().items() if k != "records"}
    assert len(_records(tmp_path / "a2.json")) == next_truth.records


def _rows(path: Path) -> list[tuple[str | None, ...]]:
    """The rows the dlt scd2 peer lands of a feed: its 11 fields as the landing's text."""
    return [tuple(_as_text(r.get(f)) for f in FEED_FIELDS) for r in _records(path)]


def test_full_and_incremental_scenario_on_duckdb(tmp_path: Path) -> None:
    ctx = Context(scratch=tmp_path, shows=SHOWS, scaling_sizes=[SHOWS], scaling_changes=Changes.percent(SHOWS),
                  baseline_rows=200, in_process=True)
    result = measure(ctx, "duckdb", SHOWS, Changes.percent(SHOWS))  # raises if a count differs from the truth
    assert result.first.counts == {"records": SHOWS + 2, "inserted": SHOWS, "updated": 0, "unchanged": 0,
                                   "withdrawn": 0, "rejected": 1, "duplicates": 1}
    assert result.next is not None
    assert result.next.counts == {"records": SHOWS + 2, "inserted": 5, "updated": 10, "unchanged": 985,
                                  "withdrawn": 5, "rejected": 1, "duplicates": 1}
    assert result.limit_next is not None and result.limit_next.merge_seconds > 0
    assert result.baseline_first is not None and result.baseline_first.inserted == 200
    assert result.baseline_next is not None and result.baseline_next.rows == 200
    # the peer (dlt scd2, row hash over the 11 fields, merge key cinema_id, every cinema listed again):
    # every record is a row (an identical duplicate too); a row of the first feed whose values the second
    # does not list is retired (changes, withdrawals, past shows and re-spellings alike), and a row of the
    # second whose values were not active is inserted
    first, second = _rows(ctx.first_feed(SHOWS)[0]), _rows(ctx.next_feed(SHOWS)[0])
    assert result.peer_first is not None and result.peer_next is not None and not result.peer_timed_out
    peer_first = result.peer_first
    assert (peer_first.records, peer_first.active, peer_first.retired) == (SHOWS + 2, SHOWS + 2, 0)
    kept = sum(1 for row in first if row in set(second))
    inserted = sum(1 for row in second if row not in set(first))
    assert (result.peer_next.active, result.peer_next.retired) == (kept + inserted, len(first) - kept)
    assert len(first) - kept > 10 + 5  # more than the changed and withdrawn shows: the re-spelled ones too


CANARY = "bench-canary-5d1e-do-not-print"


def test_tmdb_enrichment_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setattr(s4, "fake_token", lambda: CANARY)  # the fake server refuses any other token
    ctx = Context(scratch=tmp_path, shows=0, scaling_sizes=[], scaling_changes=Changes(0, 0, 0), tmdb_titles=20)
    scenario = s4.TmdbEnrichment(rate=200, latency=0.005, client_settings=ClientSettings.from_config(backoff_base=0.05))
    rows = scenario.run(ctx, "-")
    clean, faults = ctx.shared["S4"]

    # 10 film titles (search + details) and 10 ids (5 films, 5 series): 30 requests without faults
    assert (clean.titles, clean.fetched, clean.lost, clean.minimal_requests) == (20, 20, [], 30)
    assert (clean.requests, clean.client_requests, clean.retries) == (30, 30, 0)
    assert clean.answers == {"ok": 30} and clean.rate_limited == 0
    # the seed injects 9 faults before every request has succeeded; each costs exactly one retry
    assert (faults.titles, faults.fetched, faults.lost) == (20, 20, [])
    assert faults.planned_faults == sum(faults.injected.values()) == faults.retries == 9
    assert set(faults.injected) <= {"429-bare", "500", "503"}
    assert (faults.requests, faults.client_requests) == (39, 39)
    assert faults.answers == {"ok": 30, "fault": 9}
    # fewer requests than the limit allows in a second: the server's rate limit cannot refuse any
    assert faults.peak_in_window <= 39 and faults.rate_limited == 0

    assert [row.size for row in rows] == ["20 titles, clean", "20 titles, 10% faults"]
    assert [row.checks[1:] for row in rows] == [[("< 0.1% rate-limited 429", True), ("0 titles lost", True)]] * 2
    assert rows[0].checks[0][0] == "rate >= 90% of 200 req/s"
    assert rows[1].limit_s == pytest.approx(39 / 200) and rows[1].baseline_s is None
    assert "20 of 20 titles fetched exactly" in rows[1].details and "9 retries" in rows[1].details
    printed = capsys.readouterr()
    assert CANARY not in printed.out + printed.err + "".join(row.details for row in rows)
    assert "S4 10% faults: 39 requests" in printed.err


def test_tmdb_enrichment_counts_a_wrong_or_missing_title_as_lost() -> None:
    items, expected = s4.work_items(4)
    assert [(i.work_item_id, i.lookup_kind, i.lookup_value) for i in items] == [
        ("title-0", "title", f"Synthetic Film {SYNTHETIC_ID_BASE}"),
        ("movie-1", "movie", str(SYNTHETIC_ID_BASE + 1)),
        ("title-2", "title", f"Synthetic Film {SYNTHETIC_ID_BASE + 2}"),
        ("tv-3", "tv", str(SYNTHETIC_ID_BASE + 3)),
    ]

    def landed(work_item_id: str, payload: dict[str, Any]) -> Batch:
        want = expected[work_item_id]
        outcome = {"work_item_id": work_item_id, "status": "success", "media_type": want.media_type, "tmdb_id": want.tmdb_id}
        title = {"work_item_id": work_item_id, "media_type": want.media_type, "tmdb_id": want.tmdb_id,
                 "payload": json.dumps(payload)}  # fmt: skip
        return Batch(titles=[title], fetch_log=[outcome])

    served = {key: synthetic_details(want.media_type, want.tmdb_id) for key, want in expected.items()}
    assert s4.verify([landed(key, served[key]) for key in expected], expected) == (4, [])
    wrong = {**served["tv-3"], "name": "Something Else"}
    batches = [landed("title-0", served["title-0"]), landed("movie-1", served["movie-1"]), landed("tv-3", wrong)]
    assert s4.verify(batches, expected) == (2, ["title-2", "tv-3"])  # title-2 missing, tv-3 not as served
    with pytest.raises(BenchError, match="two outcomes"):
        s4.verify([landed("movie-1", served["movie-1"])] * 2, expected)
