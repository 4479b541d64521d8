"""Data lifecycle: raw stays bounded (`marquee prune`).

The work is SQL, in dbt (macros/lifecycle/prune_raw.sql), so that a plain
`dbt build` prunes exactly as `marquee build` does (its on-run-end hook, after
publishing). This module validates the setting, runs the operation, reports
what went (ops.prunes) and refuses a show feed too old to be reconciled after
its neighbours were pruned (ops.pruned_loads).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from ingestion.errors import MarqueeError
from marquee.engines import Engine

KEEP_LOADS_ENV = "MARQUEE_KEEP_LOADS"
DEFAULT_KEEP_LOADS = 3


def keep_loads(explicit: int | None = None) -> int:
    """Raw loads kept per source: `explicit`, else $MARQUEE_KEEP_LOADS, else 3 (0 keeps every load)."""
    if explicit is not None:
        value: object = explicit
    else:
        value = os.environ.get(KEEP_LOADS_ENV, "").strip() or DEFAULT_KEEP_LOADS
    try:
        keep = int(str(value))
    except ValueError:
        raise MarqueeError(f"{KEEP_LOADS_ENV} must be a whole number of loads (0 keeps every load), not {value!r}") from None
    if keep < 0:
        raise MarqueeError(f"the loads to keep must be 0 (keep every load) or more, not {keep}")
    return keep


def _last_prune(target: Engine, since: datetime | None = None) -> tuple | None:
    try:
        rows = target.query(
            "select pruned_at, keep_loads, loads_pruned, rows_removed, bytes_freed from ops.prunes "
            "order by pruned_at desc limit 1"
        )
    except Exception:  # noqa: BLE001 - no ops.prunes yet: nothing was ever pruned
        return None
    if not rows:
        return None
    if since is not None and rows[0][0] < since.replace(tzinfo=None):
        return None
    return rows[0]


def prune_line(row: tuple) -> str:
    _, keep, loads, rows, freed = row
    return (
        f"Pruned {loads:,} raw load{'s' if loads != 1 else ''} ({rows:,} rows, {freed / 1048576:.1f} MiB), "
        f"keeping {keep} processed load{'s' if keep != 1 else ''} per source."
    )


def print_prune_since(target: Engine, since: datetime) -> None:
    """The summary line of the prune a build ran after publishing (none when it kept everything)."""
    row = _last_prune(target, since)
    if row is not None and row[2] > 0:
        print(prune_line(row))


def prune(target: Engine, keep: int | None = None) -> None:
    """`marquee prune`: remove what no model reads again from all but the newest `keep` processed loads."""
    from marquee.dbt import run_dbt

    keep = keep_loads(keep)
    target.refuse_row_deletion("pruning raw loads")
    if keep == 0:
        print("Keeping every raw load (0 loads to keep): nothing pruned.")
        return
    started = datetime.now(timezone.utc)
    run_dbt(["run-operation", "prune_raw", "--args", json.dumps({"keep": keep})], target)
    row = _last_prune(target, started)
    if row is None:
        raise MarqueeError("the prune recorded nothing in ops.prunes; see the log above")
    print(prune_line(row))


def refuse_too_old_feed(target: Engine, fetched_at: datetime) -> None:
    """A feed fetched before the newest pruned one cannot be reconciled: its replay needs pruned loads."""
    try:
        rows = target.query("select max(feed_fetched_at) from ops.pruned_loads where source = 'shows'")
    except Exception:  # noqa: BLE001 - no ops.pruned_loads: nothing was pruned
        return
    newest_pruned = rows[0][0] if rows else None
    if newest_pruned is None:
        return
    fetched = fetched_at.astimezone(timezone.utc).replace(tzinfo=None)
    if fetched < newest_pruned:
        raise MarqueeError(
            f"this feed was fetched at {fetched:%Y-%m-%d %H:%M:%S} UTC, before raw loads that were already pruned "
            f"(the newest fetched at {newest_pruned:%Y-%m-%d %H:%M:%S} UTC): a back-fill that old cannot be "
            f"reconciled; nothing was loaded (raise {KEEP_LOADS_ENV} to keep a longer back-fill window)"
        )
