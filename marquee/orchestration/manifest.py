"""The dbt manifest the Dagster assets are read from: `dbt parse`, offline, into target/dagster/.

`make orchestrate` prepares it before starting Dagster (`python -m marquee.orchestration.manifest`);
the code location prepares it itself when it is missing (a fresh clone, a test). Nothing is
fetched: the project has no dbt packages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from marquee.dbt import run_dbt, target_dir
from marquee.engines import resolve_engine

MANIFEST_DIRECTORY = "dagster"


def manifest_path() -> Path:
    return target_dir() / MANIFEST_DIRECTORY / "manifest.json"


def prepare_manifest() -> Path:
    """Parse the project (the graph does not depend on the warehouse: the default target's
    profile is used) and return the manifest's path."""
    path = manifest_path()
    run_dbt(["parse", "--target-path", str(path.parent)], resolve_engine(None), quiet=True)
    return path


def load_manifest() -> dict[str, Any]:
    path = manifest_path()
    if not path.exists():
        prepare_manifest()
    return json.loads(path.read_text())


if __name__ == "__main__":
    print(f"dbt manifest for Dagster prepared: {prepare_manifest()}")
