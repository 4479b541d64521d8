"""How `marquee run` composes its steps (the steps themselves are tested end to end elsewhere)."""

from __future__ import annotations

from typing import Any

import pytest

from ingestion.tmdb.fetch import FetchSummary
from marquee import runs
from marquee.engines import engine_for


def run_with(monkeypatch: pytest.MonkeyPatch, tmdb: Any) -> list[str]:
    steps: list[str] = []
    monkeypatch.setattr(runs, "ingest_shows", lambda *args: steps.append("shows"))
    monkeypatch.setattr(runs, "ingest_app", lambda *args: steps.append("app"))
    monkeypatch.setattr(runs, "build", lambda *args: steps.append("build") or f"v{steps.count('build')}")
    monkeypatch.setattr(runs, "ingest_tmdb", lambda *args: steps.append("tmdb") or tmdb(steps))
    monkeypatch.setattr(runs, "docs", lambda *args: steps.append("docs"))
    monkeypatch.setattr("marquee.summary.print_media_summary", lambda *args: steps.append("summary"))
    runs.run(engine_for("duckdb"), ["a.json", "b.json"], "export-directory")
    return steps


def test_a_run_builds_again_only_when_tmdb_landed_something(monkeypatch: pytest.MonkeyPatch) -> None:
    fetched = run_with(monkeypatch, lambda steps: FetchSummary(titles=3, fetched=3))
    assert fetched == ["shows", "shows", "app", "build", "tmdb", "build", "summary", "docs"]
    nothing_new = run_with(monkeypatch, lambda steps: FetchSummary())
    assert nothing_new == ["shows", "shows", "app", "build", "tmdb", "summary", "docs"]


def test_a_failed_tmdb_fetch_still_builds_what_it_landed(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingestion.errors import MarqueeError

    def fail(steps: list[str]) -> FetchSummary:
        raise MarqueeError("TMDB: every one of the 3 titles failed")

    with pytest.raises(MarqueeError, match="1 step\\(s\\) failed: TMDB: every one"):
        run_with(monkeypatch, fail)
