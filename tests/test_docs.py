"""The dbt docs: every model, column analysts see, source, snapshot, seed and
macro of the project is described, and the lineage reaches the exposures."""

from __future__ import annotations

import json

from ingestion.dbt import target_dir
from tests.conftest import Warehouse


def test_docs_describe_everything_the_marts_expose(duckdb_warehouse: Warehouse) -> None:
    # the manifest does not depend on the engine: once, on DuckDB
    assert duckdb_warehouse.marquee("run").code == 0
    manifest = json.loads((target_dir() / "manifest.json").read_text())
    catalog = json.loads((target_dir() / "catalog.json").read_text())

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
