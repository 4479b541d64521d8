"""No single feed record can fail a build, crash a load or take unbounded
memory, on either engine: what the warehouse cannot store or key on is
rejected per record with a reason (documented limits: key fields of at most
255 characters, values nested at most 32 levels) or stored safely (NUL becomes
U+FFFD, an escaped lone surrogate '?'; numbers of any size land as their exact text).
The ingest of the hostile feed runs in a subprocess under a memory limit."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from ingestion.settings import PROJECT_DIR
from tests.conftest import Warehouse
from tests.test_shows_pipeline import A_AT, B_AT, build_shows, land, show

MEMORY_LIMIT_BYTES = 3 * 1024**3
DEEP = 100_000


def hostile_feed(path: Path) -> int:
    """The feed, written by hand where json.dumps cannot say it (a 100,000-deep value, huge numbers)."""
    records = [
        json.dumps(show("G1", 1, "Screen 1", "2026-12-05T18:00:00Z")),
        json.dumps(show("LONG-SCREEN", 1, "S" * 12_000, "2026-12-05T18:00:00Z")),
        json.dumps(show("M" * 300, 1, "Screen 1", "2026-12-05T18:00:00Z")),
        json.dumps(show("NUL", 1, "Screen\u00002", "2026-12-05T18:00:00Z", movie_title="Dune\u0000Part Two")),
        json.dumps(show("SURROGATE", 1, "Screen 1", "2026-12-05T18:00:00Z", movie_title="Bad \ud800 title")),
        json.dumps(show("BIG-CINEMA", 1, "Screen 1", "2026-12-05T18:00:00Z")).replace(
            '"cinema_id": 1', '"cinema_id": 123456789012345678901234567890'
        ),
        json.dumps(show("BIG-LENGTH", 1, "Screen 1", "2026-12-05T18:00:00Z")).replace(
            '"movie_length": 120', '"movie_length": 1e400'
        ),
        json.dumps(show("DEEP", 1, "Screen 1", "2026-12-05T18:00:00Z")).replace(
            '"movie_title": "Title DEEP"', '"movie_title": ' + "[" * DEEP + "]" * DEEP
        ),
        json.dumps(show("G2", 1, "Screen 2", "2026-12-05T18:00:00Z")),
    ]
    path.write_text('{"data": {"allShows": [' + ", ".join(records) + "]}}")  # ASCII: escapes stay escapes
    return len(records)


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def test_one_hostile_record_never_fails_the_feed_or_the_build(warehouse: Warehouse, tmp_path: Path) -> None:
    count = hostile_feed(tmp_path / "hostile.json")
    landed = subprocess.run(
        [sys.executable, "-m", "marquee.cli", "ingest", "shows", "--source", str(tmp_path / "hostile.json"),
         "--fetched-at", A_AT, "--target", warehouse.target.name],
        cwd=PROJECT_DIR, env=dict(os.environ), capture_output=True, text=True, timeout=300,
        preexec_fn=limit_memory,
    )  # fmt: skip
    assert landed.returncode == 0, landed.stderr[-3000:]
    assert f"Landed {count} show records" in landed.stdout
    assert len(landed.stderr.strip().splitlines()) <= 1, landed.stderr[-3000:]

    out = build_shows(warehouse)
    assert f"Reconciled 1 load ({count} records): 5 inserted, 0 updated, 0 unchanged, 0 withdrawn, 4 rejected" in out
    assert warehouse.sql("select record_index, reject_reason from marts.rejected_shows order by 1") == [
        (1, "screen_name is longer than 255 characters"),
        (2, "movie_id is longer than 255 characters"),
        (5, "cinema_id is not an integer"),
        (7, "the record is nested deeper than 32 levels"),
    ]
    assert warehouse.sql(
        "select movie_id, screen_name, title, length_minutes from marts.master_shows order by movie_id"
    ) == [
        ("BIG-LENGTH", "Screen 1", "Title BIG-LENGTH", None),
        ("G1", "Screen 1", "Title G1", 120),
        ("G2", "Screen 2", "Title G2", 120),
        ("NUL", "Screen\ufffd2", "Dune\ufffdPart Two", 120),
        ("SURROGATE", "Screen 1", "Bad ? title", 120),  # the JSON parser's own replacement
    ]
    # numbers land as their exact text, whatever their size
    assert warehouse.sql("select movie_id, cinema_id, movie_length from raw.shows where movie_id in ('BIG-CINEMA', 'BIG-LENGTH') order by 1") == [
        ("BIG-CINEMA", "123456789012345678901234567890", "120"),
        ("BIG-LENGTH", "1", "1E+400"),
    ]

    # the warehouse is not frozen: later feeds land and build
    land(warehouse, tmp_path, "next.json", [show("G1", 1, "Screen 1", "2026-12-05T18:00:00Z")], B_AT)
    assert "0 inserted, 0 updated, 1 unchanged, 4 withdrawn, 0 rejected" in build_shows(warehouse)
