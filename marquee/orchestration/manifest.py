"""The dbt manifest the Dagster assets are read from: `dbt parse`, offline, into target/dagster/.

`make orchestrate` prepares it before starting Dagster (`python -m marquee.orchestration.manifest`);
the code location prepares it itself when it is missing or older than a file of the project (a
fresh clone, a test, an edit). Nothing is fetched: the project has no dbt packages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingestion.settings import PROJECT_DIR
from marquee.dbt import run_dbt, target_dir
from marquee.engines import resolve_engine

MANIFEST_DIRECTORY = "dagster"
# What the manifest is parsed from (besides dbt_project.yml).
PROJECT_FOLDERS = ("models", "macros", "snapshots", "seeds", "tests/dbt")


def manifest_path() -> Path:
    return target_dir() / MANIFEST_DIRECTORY / "manifest.json"


def prepare_manifest() -> Path:
    """Parse the project (the graph does not depend on the warehouse: the default target's
    profile is used) and return the manifest's path."""
    path = manifest_path()
    run_dbt(["parse", "--target-path", str(path.parent)], resolve_engine(None), quiet=True)
    return path


def _stale(path: Path) -> bool:
    """Is any file of the dbt project newer than the manifest (or the manifest missing)?"""
    if not path.exists():
        return True
    made = path.stat().st_mtime
    sources = [PROJECT_DIR / "dbt_project.yml"] + [
        file for folder in PROJECT_FOLDERS for file in (PROJECT_DIR / folder).rglob("*") if file.is_file()
    ]
    return any(source.stat().st_mtime > made for source in sources)


def load_manifest() -> dict[str, Any]:
    """The manifest, prepared again first when the project changed since (a fresh clone, an edit)."""
    path = manifest_path()
    if _stale(path):
        prepare_manifest()
    return json.loads(path.read_text())


if __name__ == "__main__":
    print(f"dbt manifest for Dagster prepared: {prepare_manifest()}")
