"""The dbt-duckdb plugin that makes `dbt build` run directly take the warehouse lock.

profiles.yml.example lists it under the duckdb output's `plugins`; dbt-duckdb
calls `update_connection_config` before it opens the database file, so the
lock (ingestion/locking.py) is held before dbt reads or writes anything, and
until the dbt process ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from ingestion.locking import hold_duckdb_lock_for_process


class Plugin(BasePlugin):
    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        if creds.path and creds.path != ":memory:":
            hold_duckdb_lock_for_process(Path(creds.path))
