"""The dbt-duckdb plugin that makes a `dbt` run take the warehouse lock.

profiles.yml.example lists it under the duckdb output's `plugins`; dbt-duckdb
calls `update_connection_config` before it opens the database file, so the
lock (marquee/engines/duckdb.py) is held before dbt reads or writes anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from marquee.engines.duckdb import hold_lock_for_dbt


class Plugin(BasePlugin):
    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        if creds.path and creds.path != ":memory:":
            hold_lock_for_dbt(Path(creds.path))
