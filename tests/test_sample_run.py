"""`marquee run` (what `make run` calls) on the bundled samples, once per target,
and what it produced; the tests only read it, so they share one run (class
`TestMarqueeRun`: one unit of work for the xdist scheduler, see conftest.py).

- The show feeds: both sample feeds land and build with exactly the outcome the
  generator was written to produce (see data/sample/shows/README.md).
- The watch-list app: the sample export lands with the demo PII key; the
  quarantine holds exactly the bad rows data/sample/app/README.md documents,
  and none of the sample's secrets reaches the warehouse.
- The dbt docs: every model, column analysts see, source, snapshot, seed and
  macro of the project is described, and the lineage reaches the exposures.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.conftest import SampleRun, SampleRuns, Warehouse
from tests.test_app_pipeline import assert_every_raw_row_accounted_for, assert_no_secrets
from tests.test_app_sample import documented_bad_rows, sample_secrets


class TestMarqueeRun:
    def test_marquee_run_on_the_sample(self, sample_run: SampleRun, sample_warehouse: Warehouse) -> None:
        warehouse = sample_warehouse
        result = sample_run.result
        assert result.code == 0, result.err + result.out
        assert "Landed 410 show records" in result.out
        assert "Landed 336 show records" in result.out
        # v1: 405 shows, 3 rejected, 2 duplicates; v2: 10 new, 13 updated, 309 unchanged, 8 withdrawn,
        # 3 rejected, 1 duplicate (4 past shows dropped, and cinema 3's 71 shows, are left alone)
        assert (
            "Reconciled 2 loads (746 records): 415 inserted, 13 updated, 309 unchanged, 8 withdrawn, "
            "6 rejected, 3 duplicates." in result.out
        )
        assert "marts.master_shows: 415 shows (8 withdrawn)." in result.out
        assert warehouse.sql("select cinema_id, count(*), count(withdrawn_at) from marts.master_shows group by 1 order by 1") == [
            (1, 101, 2),
            (2, 140, 5),
            (3, 71, 0),
            (5, 103, 1),
        ]
        assert (sample_run.artifacts / "catalog.json").exists()  # the run generated the docs

    def test_run_lands_the_sample_export(self, sample_run: SampleRun, sample_warehouse: Warehouse) -> None:
        # the run had no MARQUEE_PII_KEY: the sample run needs no key, it uses the demo key
        result = sample_run.result
        assert result.code == 0, result.err
        assert "Landed 5,768 app rows from" in result.out

        w = sample_warehouse
        quarantined = Counter(
            {(table, reason): count for table, reason, count in w.sql(
                "select source_table, reject_reason, count(*) from marts.rejected_app_rows group by 1, 2")}
        )
        assert quarantined == documented_bad_rows()
        assert sum(quarantined.values()) == 18
        assert w.scalar("select count(*) from marts.users") == 300
        assert w.scalar("select count(*) from marts.watchlist_entries") == 3_568
        assert w.scalar("select count(*) from marts.families") == 40
        assert_every_raw_row_accounted_for(w)
        assert_no_secrets(w, sample_secrets())

    def test_docs_describe_everything_the_marts_expose(self, sample_runs: SampleRuns, request: pytest.FixtureRequest) -> None:
        # the manifest does not depend on the engine: once, on DuckDB (the artifacts the run left)
        sample_run = sample_runs.get("duckdb", request)
        assert sample_run.result.code == 0
        manifest = json.loads((sample_run.artifacts / "manifest.json").read_text())
        catalog = json.loads((sample_run.artifacts / "catalog.json").read_text())

        nodes = {uid: node for uid, node in manifest["nodes"].items() if node["package_name"] == "marquee"}
        undocumented = [
            uid
            for uid, node in nodes.items()
            if node["resource_type"] in ("model", "snapshot", "seed") and not node["description"].strip()
        ]
        undocumented += [uid for uid, s in manifest["sources"].items() if not s["description"].strip()]
        undocumented += [
            uid
            for uid, m in manifest["macros"].items()
            if m["package_name"] == "marquee" and not m["description"].strip()
        ]
        assert undocumented == []

        marts = [n for n in nodes.values() if n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/")]
        assert {"master_shows", "show_history", "rejected_shows", "show_reconcile_log"} <= {n["name"] for n in marts}
        missing = []
        for node in marts:
            columns = catalog["nodes"][node["unique_id"]]["columns"]
            assert columns, node["name"]
            for column in columns:
                described = node["columns"].get(column.lower(), {}).get("description", "").strip()
                if not described:
                    missing.append(f"{node['name']}.{column}")
        assert missing == []

        exposures = manifest["exposures"]
        dashboard = exposures["exposure.marquee.showtimes_dashboard"]
        assert "model.marquee.master_shows" in dashboard["depends_on"]["nodes"]
        assert manifest["sources"]["source.marquee.shows.shows"]["freshness"]["error_after"]["count"] == 3
