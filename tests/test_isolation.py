"""One source's trouble never blocks the rest, on both engines: a warehouse
where the show feed never landed builds (its marts empty) and later takes its
first feed; a TMDB response with parts the media marts cannot key on is used
for the rest, the parts quarantined in marts.rejected_tmdb_rows with a reason."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingestion.settings import SAMPLE_DATA_DIR
from tests.conftest import Warehouse, WarehouseTemplates
from tests.test_shows_pipeline import A_AT, FEED_A, assert_feed_a_state, build, land, start_from_feed_a


def test_a_warehouse_without_show_feeds_builds_and_publishes(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARQUEE_PII_KEY", "a-key-for-this-test-only")
    landed = warehouse.marquee("ingest", "app", "--source", str(SAMPLE_DATA_DIR / "app"))
    assert landed.code == 0, landed.err
    out = build(warehouse)
    assert "No new show loads to reconcile." in out and "marts.master_shows: 0 shows" in out
    assert warehouse.scalar("select count(*) from marts.users") == 300
    for mart in ("master_shows", "show_history", "show_reconcile_log", "rejected_shows"):
        assert warehouse.scalar(f"select count(*) from marts.{mart}") == 0, mart

    # the first feed, when it comes, reconciles as on a fresh warehouse
    land(warehouse, tmp_path, "a.json", FEED_A, A_AT)
    assert_feed_a_state(warehouse, build(warehouse))


def _damaged(payload: dict, media_type: str) -> dict:
    """The response with one unusable part of each kind, and values of the wrong shape."""
    payload["genres"][0].pop("id")
    payload["credits"]["cast"][0].pop("credit_id")
    crew = payload["credits"]["crew"]
    crew.append(dict(crew[0]))  # the same credit id twice
    region = next(iter(payload["watch/providers"]["results"].values()))
    offer = next(value for key, value in region.items() if isinstance(value, list))
    offer[0]["provider_id"] = "not-a-number"
    if media_type == "movie":
        payload["runtime"], payload["release_date"] = "abc", "2024-02-30"
    else:
        payload["episode_run_time"], payload["first_air_date"] = ["abc"], "2024-02-30"
    payload["vote_count"] = 12.5
    return payload


def test_tmdb_anomalies_are_quarantined_not_fatal(
    warehouse: Warehouse, warehouse_templates: WarehouseTemplates, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_from_feed_a(warehouse, warehouse_templates)
    monkeypatch.delenv("TMDB_API_READ_TOKEN", raising=False)
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    fetched = warehouse.marquee("ingest", "tmdb")  # the recorded responses: the pinned titles
    assert fetched.code == 0, fetched.err
    build(warehouse)
    media_type, tmdb_id, work_item_id, text = warehouse.sql(
        "select media_type, tmdb_id, work_item_id, payload from raw.tmdb_titles order by media_type, tmdb_id limit 1"
    )[0]
    media_id = f"{media_type}:{tmdb_id}"
    genres_before = warehouse.scalar("select count(*) from marts.media_genres where media_id = ?", (media_id,))
    credits_before = warehouse.scalar("select count(*) from marts.media_credits where media_id = ?", (media_id,))

    # a newer response of that title, as an upstream anomaly would land it
    payload = _damaged(json.loads(text), media_type)
    later = (datetime.now(timezone.utc) + timedelta(minutes=1)).replace(tzinfo=None)
    from tests.test_publish import execute

    execute(
        warehouse,
        "insert into raw.tmdb_titles (tmdb_id, media_type, work_item_id, fetched_at, payload, _dlt_load_id, _dlt_id) "
        f"values ({tmdb_id}, '{media_type}', '{work_item_id}', timestamp '{later.isoformat(sep=' ')}', "
        f"'{json.dumps(payload).replace(chr(39), chr(39) * 2)}', '9999999999.0', '{uuid.uuid4().hex[:14]}')",
    )
    out = build(warehouse)
    assert "Published" in out
    assert warehouse.sql(
        "select part, reject_reason from marts.rejected_tmdb_rows where media_id = ? order by part, reject_reason",
        (media_id,),
    ) == [
        ("credit", "credit_id is listed more than once"),
        ("credit", "credit_id is missing"),
        ("genre", "genre id is missing or not an integer"),
        ("provider", "provider id is missing or not an integer"),
    ]
    assert warehouse.sql(
        "select runtime_minutes, release_date from marts.media where media_id = ?", (media_id,)
    ) == [(None, None)]
    assert warehouse.scalar("select count(*) from marts.media_genres where media_id = ?", (media_id,)) == genres_before - 1
    # one cast credit without an id is out; the duplicated crew credit is kept once
    assert warehouse.scalar("select count(*) from marts.media_credits where media_id = ?", (media_id,)) == credits_before - 1


def test_a_run_goes_on_past_a_source_that_fails(
    duckdb_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`marquee run` with a feed that cannot be read still lands the app export, builds, fetches
    TMDB and publishes; it ends with exit status 1 naming the failed step (engine-independent)."""
    monkeypatch.delenv("TMDB_API_READ_TOKEN", raising=False)
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    missing = tmp_path / "missing.json"
    result = duckdb_warehouse.marquee("run", "--shows", str(missing))
    assert result.code == 1
    assert result.err.strip().splitlines()[-1] == (
        f"marquee: error: the run finished, but 1 step(s) failed: shows feed {missing}: no such file"
    )
    assert f"marquee: shows feed {missing}: no such file (the run goes on)" in result.err
    assert "dbt docs generated" in result.out
    assert duckdb_warehouse.scalar("select count(*) from marts.users") == 300
    assert duckdb_warehouse.scalar("select count(*) from marts.master_shows") == 0
    assert duckdb_warehouse.scalar("select count(*) from marts.media") > 0  # the app's titles and the pinned ones


def test_status_names_the_sources_that_never_landed_in_one_line_each(
    duckdb_warehouse: Warehouse, tmp_path: Path
) -> None:
    # fetched now: the feed's freshness passes whatever day the suite runs (A_AT is a fixed date)
    land(duckdb_warehouse, tmp_path, "a.json", FEED_A, datetime.now(timezone.utc).isoformat())
    result = duckdb_warehouse.marquee("status")
    assert result.code == 0, result.err
    lines = (result.out + result.err).splitlines()
    freshness = lines[lines.index("Freshness:") + 1 :]
    assert freshness[0].split()[:2] == ["shows.shows", "pass"]
    never = [line.split()[0] for line in freshness if "never landed" in line]
    assert never == ["app.app_families", "app.app_family_invitations", "app.app_family_memberships",
                     "app.app_media_items", "app.app_profiles", "app.app_reactions", "app.app_recommendations",
                     "app.app_row_keys", "app.app_streaming_providers", "app.app_users", "app.app_watchlist_entries",
                     "tmdb.tmdb_changes", "tmdb.tmdb_configuration", "tmdb.tmdb_fetch_log", "tmdb.tmdb_titles"]  # fmt: skip
    assert not [line for line in lines if "Runtime Error" in line or "Catalog Error" in line]  # no dbt noise
