"""Unattended runs: the Dagster code location and what it needs.

    definitions.py  the code location `dagster dev` loads (pyproject's [tool.dagster])
    assets.py       the landings, the TMDB fetch, every dbt node and the exposures as assets
    steps.py        how a step runs a Marquee run step: the lock, retries, one-line failures
    triggers.py     the daily schedule and the feed sensor
    alerts.py       the failure webhook
    settings.py     the [orchestration] settings of .dlt/config.toml
    manifest.py     the dbt manifest the assets are read from (prepared offline by `dbt parse`)

Every asset runs the same functions as the `marquee` command (marquee.runs): a Dagster run
is a `marquee run` split into steps, never a second way of building.
"""
