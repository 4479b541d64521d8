"""Smoke test of the benchmark suite (bench/), so it cannot rot: the feed
generator at 1,000 shows (its truth counts are exact and deterministic,
checked against the files themselves) and S1+S2 at 1,000 shows end to end on
DuckDB (the reconcile log must equal the generator's truth). Timings are not
asserted: benchmarks are run with `make bench`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.generate import NEXT_FETCHED_AT, Changes, FeedTruth, write_feed, write_next_feed
from bench.harness import Context
from bench.scenarios.shows import measure

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
