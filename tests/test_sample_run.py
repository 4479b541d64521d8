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
from pathlib import Path
from collections import Counter

import pytest

from tests.conftest import SampleRun, SampleRuns, Warehouse, session_environment
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

    def test_a_dagster_sync_run_publishes_what_marquee_run_published(
        self, sample_runs: SampleRuns, request: pytest.FixtureRequest, tmp_path: Path
    ) -> None:
        """The orchestrator's job, in-process on a fresh DuckDB, against `marquee run` (the same
        functions, split into steps): every mart row equal, but for the columns that name a load,
        a build or the time it happened."""
        import dagster as dg
        import duckdb

        sample_run = sample_runs.get("duckdb", request)
        with session_environment() as env:
            env.delenv("MARQUEE_PII_KEY", raising=False)
            env.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
            from marquee.orchestration.definitions import defs

            with dg.instance_for_test() as instance:
                result = defs.resolve_job_def("marquee_sync").execute_in_process(instance=instance, raise_on_error=False)
                assert result.success
                assert "marquee/failed_landings" not in instance.get_run_by_id(result.run_id).tags
        volatile = {"as_of_at", "load_id", "first_load_id", "last_load_id", "reconciled_at", "fetched_at", "extracted_at",
                    "last_updated", "invocation_id", "version_id", "rejected_row_id", "dbt_scd_id", "dbt_updated_at",
                    "dbt_valid_from"}  # fmt: skip

        def marts(path: str) -> dict[str, list[tuple]]:
            with duckdb.connect(path, read_only=True) as db:
                names = [r[0] for r in db.sql("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
                found = {}
                for name in names:
                    columns = [r[0] for r in db.sql(
                        f"select column_name from information_schema.columns where table_schema = 'marts' and table_name = '{name}' "
                        "order by ordinal_position").fetchall()]  # fmt: skip
                    kept = ", ".join(f'"{c}"' for c in columns if c not in volatile)
                    found[name] = sorted(db.sql(f"select {kept} from marts.{name}").fetchall(), key=repr)
                return found

        orchestrated, by_cli = marts(str(tmp_path / "warehouse.duckdb")), marts(sample_run.env["MARQUEE_DUCKDB_PATH"])
        assert sorted(orchestrated) == sorted(by_cli) and len(by_cli) == 22
        assert {name: len(rows) for name, rows in orchestrated.items()} == {name: len(rows) for name, rows in by_cli.items()}
        assert [name for name in by_cli if orchestrated[name] != by_cli[name]] == []
        assert len(by_cli["master_shows"]) == 415 and len(by_cli["media"]) == 26

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
