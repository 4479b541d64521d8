"""Marquee's lineage as Dagster assets: the landings, the TMDB fetch, every dbt node, the exposures.

Keys follow dagster-dbt's: a dbt source table is `[source, table]` (so a landing produces the very
keys the dbt sources read), a model `[schema, name]`, an exposure `[exposure, name]`.

- The landings call marquee.runs as the `marquee` command does (not dagster-dlt's `@dlt_assets`,
  which would run the dlt pipelines without Marquee's landing rules: the warehouse lock, the
  too-old-feed refusal, the erased users' suppression, the app's key snapshot).
- The dbt nodes come from dagster-dbt's `@dbt_assets`, but materialising them runs
  `marquee.runs.build`: the same locked build-and-publish, with the selected nodes as its
  `--select` when Dagster runs a subset. dbt's tests run inside that build (a failed one fails the
  step), so they are not also declared as Dagster asset checks.
- The TMDB fetch reads the work list (a dbt model) and lands `tmdb.tmdb_titles`, which the media
  models read: a run is land shows and app, the shows build, the fetch, the media build. The
  fetch also appends `tmdb.tmdb_fetch_log` and `tmdb.tmdb_changes`, whose rows the show matches,
  master_shows' tmdb_id and the next work list read: the media build builds those again (as
  `marquee run`'s second build does), and Dagster records them materialised twice. Declaring them
  as the fetch's outputs would close a cycle (the work list reads them), so they are external.
"""


import functools
import graphlib
from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets

from ingestion.shows.feed import redact_source
from marquee import runs
from marquee.orchestration.manifest import load_manifest
from marquee.orchestration.settings import OrchestrationSettings
from marquee.orchestration.steps import LandingFailed, run_landing_parts, run_step

MANIFEST = load_manifest()
TRANSLATOR = DagsterDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False))
# A landing's check: did it land? A failed one is recorded and the run goes on (steps.py).
LANDED_CHECK = "landed"


def source_key(source: str, table: str) -> dg.AssetKey:
    """The asset key of a dbt source table (dagster-dbt's own)."""
    found = [
        unique_id
        for unique_id, props in MANIFEST["sources"].items()
        if props["source_name"] == source and props["name"] == table
    ]
    if len(found) != 1:
        raise ValueError(f"the dbt project declares no source {source}.{table}")
    return TRANSLATOR.get_asset_spec(MANIFEST, found[0], None).key


def source_keys(source: str) -> list[dg.AssetKey]:
    """The asset keys of every table of a dbt source."""
    return [
        TRANSLATOR.get_asset_spec(MANIFEST, unique_id, None).key
        for unique_id, props in sorted(MANIFEST["sources"].items())
        if props["source_name"] == source
    ]


def _landing_results(keys: list[dg.AssetKey], landing: Callable[[], dict[str, Any] | None]) -> Iterator[dg.MaterializeResult]:
    """Run a landing (steps.run_step or run_landing_parts, which raise LandingFailed when it gives
    up); one materialisation per key, with the `landed` check telling whether it did."""
    try:
        metadata = landing() or {}
        passed, error = True, None
    except LandingFailed as failed:
        metadata, passed, error = {}, False, failed.line
    for key in keys:
        check = dg.AssetCheckResult(
            asset_key=key,
            check_name=LANDED_CHECK,
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"error": error} if error else {},
        )
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={**metadata, "outcome": "landed" if passed else "failed"},
            check_results=[check],
        )


def _landing_specs(keys: list[dg.AssetKey], description: str, deps: list[dg.AssetKey] | None = None) -> dict:
    return {
        "specs": [
            dg.AssetSpec(key, description=description, group_name="landing", kinds={"dlt"}, deps=deps or [])
            for key in keys
        ],
        "check_specs": [
            dg.AssetCheckSpec(LANDED_CHECK, asset=key, description="the landing landed (else: why not)") for key in keys
        ],
    }


class ShowsConfig(dg.Config):
    """What this run lands of the show feeds: these (the sensor's new files), else the configured ones."""

    sources: list[str] = []


SHOWS_KEYS = [source_key("shows", "shows")]
APP_KEYS = source_keys("app")
TMDB_TITLES_KEY = source_key("tmdb", "tmdb_titles")
# What the fetch also appends (the log, the change lists, the image configuration), and what its next
# run reads (so not declared as its outputs: see above).
FETCH_FEEDBACK_TABLES = ("tmdb_fetch_log", "tmdb_changes", "tmdb_configuration")


@dg.multi_asset(
    name="land_shows",
    **_landing_specs(SHOWS_KEYS, "The cinema chain's show-time feeds, appended as-is (ingestion/shows)."),
)
def land_shows(context: dg.AssetExecutionContext, config: ShowsConfig) -> Iterator[dg.MaterializeResult]:
    settings = OrchestrationSettings.load()
    sources = runs.run_sources(config.sources or settings.shows_sources, settings.app_source)

    # each feed on its own: one feed's failure does not stop the others, and a retry lands only
    # the feeds that have not landed yet
    parts = [
        (f"shows feed {redact_source(source)}", functools.partial(runs.ingest_shows, source=source, fetched_at=fetched_at))
        for source, fetched_at in sources.feeds
    ]

    def landing() -> dict[str, Any]:
        landed = run_landing_parts(context, "land_shows", parts)
        return {"feeds": len(sources.feeds), "landed": landed, "sample": sources.sample_feeds}

    yield from _landing_results(SHOWS_KEYS, landing)


@dg.multi_asset(
    name="land_app",
    **_landing_specs(APP_KEYS, "The watch-list app's tables and key snapshot, appended (ingestion/app)."),
)
def land_app(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    settings = OrchestrationSettings.load()
    sources = runs.run_sources(settings.shows_sources, settings.app_source)

    def work(engine: Any) -> dict[str, Any]:
        landed = runs.land_app(engine, sources.app, sources.app_pii_key)
        return {"rows": landed.rows, "load_id": landed.load_id or "none: nothing new", "sample": sources.sample_app}

    yield from _landing_results(APP_KEYS, lambda: run_step(context, "land_app", work, landing=True))


def _selected_dbt_nodes(context: dg.AssetExecutionContext) -> list[tuple[dg.AssetKey, str]]:
    """The (asset key, dbt node name) this step builds, parents before children (the order in
    which Dagster wants a multi-asset's results)."""
    specs = context.assets_def.specs_by_key
    by_id = {specs[key].metadata["dagster_dbt/unique_id"]: key for key in context.selected_asset_keys}
    parents = {uid: [p for p in MANIFEST["parent_map"].get(uid, []) if p in by_id] for uid in by_id}
    order = graphlib.TopologicalSorter(parents).static_order()
    return [(by_id[uid], MANIFEST["nodes"][uid]["name"]) for uid in order]


def _dbt_build(
    context: dg.AssetExecutionContext, step: str, also: dict[dg.AssetKey, str] | None = None
) -> Iterator[dg.MaterializeResult | dg.AssetMaterialization]:
    """`marquee build` of this step's nodes (and of `also`, other steps' assets built again):
    reconcile, history, marts, tests, publish."""
    nodes = _selected_dbt_nodes(context)
    also = also or {}
    select = " ".join(sorted({name for _, name in nodes} | set(also.values())))
    version = run_step(context, step, lambda engine: runs.build(engine, select))
    for key in sorted(also, key=lambda key: key.to_user_string()):
        yield dg.AssetMaterialization(asset_key=key, metadata={"published_version": version, "built_again": True})
    for key, _ in nodes:
        yield dg.MaterializeResult(asset_key=key, metadata={"published_version": version})


# What TMDB's answers feed (the media models): built after the fetch; everything else before it.
MEDIA_SELECTION = f"source:tmdb.{TMDB_TITLES_KEY.path[-1]}+"


def _descendants(unique_id: str) -> set[str]:
    found, todo = set(), [unique_id]
    while todo:
        for child in MANIFEST["child_map"].get(todo.pop(), []):
            if child not in found and MANIFEST["nodes"].get(child, {}).get("resource_type") in BUILT:
                found.add(child)
                todo.append(child)
    return found


BUILT = ("model", "seed", "snapshot")


@dbt_assets(
    manifest=MANIFEST,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_shows_build",
    exclude=f"resource_type:unit_test {MEDIA_SELECTION}",
)
def dbt_shows_build(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    """The build before the TMDB fetch: shows reconcile and history, the app, the work list; published."""
    yield from _dbt_build(context, "dbt_shows_build")


@dbt_assets(
    manifest=MANIFEST,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_media_build",
    select=MEDIA_SELECTION,
    exclude="resource_type:unit_test",
)
def dbt_media_build(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult | dg.AssetMaterialization]:
    """The build after the TMDB fetch: what its answers feed, and again what its log feeds; published."""
    yield from _dbt_build(context, "dbt_media_build", also=FETCH_LOG_FED if context.selected_asset_keys == context.assets_def.keys else {})


def _shows_build_key(unique_id: str) -> dg.AssetKey:
    return TRANSLATOR.get_asset_spec(MANIFEST, unique_id, None).key


# What the fetch log and the change lists feed that the shows build made (the show matches, the
# master's tmdb_id, the next work list): the media build builds it again, so that the run ends as
# `marquee run` does.
FETCH_LOG_FED = {
    _shows_build_key(uid): MANIFEST["nodes"][uid]["name"]
    for source_id, props in MANIFEST["sources"].items()
    if props["source_name"] == "tmdb" and props["name"] in FETCH_FEEDBACK_TABLES
    for uid in _descendants(source_id)
    if _shows_build_key(uid) in dbt_shows_build.keys
}


@dg.multi_asset(
    name="fetch_tmdb",
    **_landing_specs(
        [TMDB_TITLES_KEY],
        "TMDB's answers for the work list, landed in batches (ingestion/tmdb). The fetch also appends "
        "tmdb.tmdb_fetch_log and tmdb.tmdb_changes (the change lists read), which the next work list "
        "reads: declared as its outputs, they would close a cycle, so they show as external assets.",
        deps=[_shows_build_key(next(u for u, n in MANIFEST["nodes"].items() if runs.WORK_LIST_TAG in n["tags"]))],
    ),
)
def fetch_tmdb(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    def work(engine: Any) -> dict[str, Any]:
        summary = runs.ingest_tmdb(engine)
        return {"titles": summary.titles, "fetched": summary.fetched, "failed": summary.failed}

    yield from _landing_results([TMDB_TITLES_KEY], lambda: run_step(context, "fetch_tmdb", work, landing=True))


def exposure_specs() -> list[dg.AssetSpec]:
    """The dbt exposures (dashboards, the TMDB enrichment) as external assets downstream of what they read."""
    specs = []
    for props in MANIFEST["exposures"].values():
        deps = [TRANSLATOR.get_asset_spec(MANIFEST, uid, None).key for uid in props["depends_on"]["nodes"]]
        specs.append(
            dg.AssetSpec(
                dg.AssetKey(["exposure", props["name"]]),
                description=props.get("description") or props.get("label"),
                deps=deps,
                group_name="exposures",
                kinds={props.get("type") or "exposure"},
                owners=[props["owner"]["email"]] if props.get("owner", {}).get("email") else [],
            )
        )
    return specs
