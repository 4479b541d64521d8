"""The Dagster code location (`dagster dev` finds it through pyproject's [tool.dagster]).

    make orchestrate        the Dagster UI on http://127.0.0.1:3000, its daemon (schedule, sensors, queue)

One job, `marquee_sync`, materialises everything: the landings, the shows build, the TMDB fetch,
the media build. Runs are queued one at a time per warehouse (the run tag `marquee/warehouse` and
the limit in orchestration/dagster.yaml); the warehouse lock still refuses anything started
outside Dagster while a run writes.
"""

from __future__ import annotations

import dagster as dg

from ingestion import redaction
from marquee.engines import resolve_engine
from marquee.orchestration import alerts, assets
from marquee.orchestration.settings import OrchestrationSettings
from marquee.orchestration.triggers import SYNC_JOB_NAME, feed_sensor, sync_schedule

redaction.install()  # as the CLI does: every log record of every library, redacted as it is made

WAREHOUSE_TAG = "marquee/warehouse"

_settings = OrchestrationSettings.load()
sync_job = dg.define_asset_job(
    SYNC_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Land every source, build and publish the shows marts, fetch TMDB, build and publish the media marts.",
    tags={WAREHOUSE_TAG: resolve_engine(None).name},
    # one step after another in one process: the steps share the warehouse (and its lock)
    executor_def=dg.in_process_executor,
)

defs = dg.Definitions(
    assets=[assets.land_shows, assets.land_app, assets.fetch_tmdb, assets.dbt_shows_build, assets.dbt_media_build, *assets.exposure_specs()],
    jobs=[sync_job],
    schedules=[sync_schedule(sync_job, _settings)],
    sensors=[feed_sensor(sync_job, _settings), alerts.alert_failed_run, alerts.alert_failed_landing],
)
