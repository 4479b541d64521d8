"""Every run Marquee does, composed the same way: land a source, build, fetch, document.

Each landing builds its dlt source (ingestion/<source>/) from plain arguments
and runs it through `marquee.landing.land`; a build is `dbt build`, which takes
the lock and publishes itself (macros/publishing/); `run` does all of it and
goes on past a failed step.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import dlt

from ingestion.errors import MarqueeError
from ingestion.tmdb import ClientSettings
from ingestion.tmdb.client import Credentials
from ingestion.tmdb.fetch import FetchSummary, WorkItem
from marquee.engines import Engine
from marquee.landing import land
from marquee.settings import source_overrides

log = logging.getLogger("marquee")

# The dbt tag of the model that lists what the TMDB fetch is to fetch.
WORK_LIST_TAG = "marquee_work_list"
# The dbt tag of the model that names the days of TMDB change lists a fetch reads.
CHANGE_WINDOW_TAG = "marquee_tmdb_change_window"
# The dbt tag of the model that lists the titles fetched before (the change-list ids worth landing).
FETCHED_TITLES_TAG = "marquee_tmdb_titles_fetched"
# The dbt tag of the model that says which image base URL and sizes the marts use, and whether
# TMDB's /configuration is due to be read again.
IMAGE_SETTINGS_TAG = "marquee_tmdb_image_settings"

def ingest_shows(target: Engine, source: str, fetched_at: datetime | None = None) -> None:
    from ingestion.shows import shows_source
    from ingestion.shows.feed import redact_source

    from marquee.lifecycle import refuse_too_old_feed

    fetched_at = fetched_at or datetime.now(timezone.utc)
    refuse_too_old_feed(target, fetched_at)
    feed = shows_source(source, fetched_at, **source_overrides("shows"))
    landed = land(feed, target, pipeline_name="marquee_shows")
    rows = landed.row_counts.get("shows", 0)
    print(f"Landed {rows:,} show records from {redact_source(source)} into raw.shows (load {landed.load_id}).")


@dataclass(frozen=True)
class AppLanding:
    """What one `land_app` did: rows shaped and landed, the (password-free) source, the load."""

    rows: int
    label: str
    load_id: str | None
    suppressed: int = 0  # rows of erased users left out


def land_app(target: Engine, source: str, pii_key: str | None = None) -> AppLanding:
    """Land an export directory or an app database URL into raw.app_* (one dlt load)."""
    from ingestion.app import app_database_source, app_export_source, resolve_pii_key
    from ingestion.app.database import looks_like_url, open_database
    from ingestion.app.export import AppExport
    from ingestion.app.rows import RowShaper

    from marquee.erasure import erased_hashes

    key = resolve_pii_key(pii_key)
    suppressed = erased_hashes(target)
    shapers: dict[str, RowShaper] = {}
    if looks_like_url(source):
        database = open_database(source)
        try:
            app_source = app_database_source(database, pii_key=key, suppressed=suppressed, shapers=shapers)
            landed = land(app_source, target, pipeline_name="marquee_app")
        finally:
            database.dispose()
        label = database.label
    else:
        export = AppExport(source)
        app_source = app_export_source(export, pii_key=key, suppressed=suppressed, shapers=shapers)
        landed = land(app_source, target, pipeline_name="marquee_app_export")
        label = export.label
    return AppLanding(
        sum(shaper.rows for shaper in shapers.values()), label, landed.load_id,
        sum(shaper.suppressed for shaper in shapers.values()),
    )


def ingest_app(target: Engine, source: str, pii_key: str | None = None) -> None:
    landed = land_app(target, source, pii_key)
    erased = f"; {landed.suppressed:,} rows of erased users left out" if landed.suppressed else ""
    print(
        f"Landed {landed.rows:,} app rows from {landed.label} into raw.app_* "
        f"(load {landed.load_id or 'none: nothing new'}{erased})."
    )


def _refresh_tmdb_views(target: Engine) -> None:
    """Refresh the views the TMDB fetch reads (the work list, the change window, and the views
    between them and the tables the last build made)."""
    from marquee.dbt import run_dbt

    tags = (WORK_LIST_TAG, CHANGE_WINDOW_TAG, FETCHED_TITLES_TAG, IMAGE_SETTINGS_TAG)
    select = [f"+tag:{tag},config.materialized:view" for tag in tags]
    try:
        run_dbt(["run", "--select", *select], target, quiet=True)
    except MarqueeError as exc:
        raise MarqueeError(f"cannot compute the TMDB work list (run `marquee build` first?): {exc}") from None


def read_work_list(target: Engine, limit: int | None, refresh: bool = True) -> list[WorkItem]:
    """The work list (the model tagged `marquee_work_list`), its views refreshed first."""
    from marquee.dbt import tagged_relation

    if refresh:
        _refresh_tmdb_views(target)
    sql = (
        "select work_item_id, lookup_kind, lookup_value, year_hint, min_match_confidence "
        f"from {tagged_relation(WORK_LIST_TAG)} order by lookup_kind, lookup_value"
    )
    if limit is not None:
        sql += f" limit {int(limit)}"
    return [
        WorkItem(row[0], row[1], row[2], int(row[3]) if row[3] is not None else None, min_match_confidence=float(row[4]))
        for row in target.query(sql)
    ]


@dataclass(frozen=True)
class ChangeWindow:
    """The days whose TMDB change lists a fetch reads (the model tagged `marquee_tmdb_change_window`)."""

    start: date
    end: date
    fell_back: bool  # the last window covered ended too long ago: the refresh window covers the gap


def read_change_window(target: Engine) -> ChangeWindow:
    from marquee.dbt import tagged_relation

    start, end, fell_back = target.query(f"select start_date, end_date, is_fallback from {tagged_relation(CHANGE_WINDOW_TAG)}")[0]
    as_date = lambda value: value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value)[:10])  # noqa: E731
    return ChangeWindow(as_date(start), as_date(end), bool(fell_back))


def refresh_tmdb_configuration(
    target: Engine, base_url: str, credentials: Credentials, client_settings: ClientSettings
) -> None:
    """Read TMDB's /configuration (image base URL and sizes) again when the model tagged
    `marquee_tmdb_image_settings` says it is due (every var tmdb_configuration_refresh_days), and
    land it. A failure is one line: the last configuration read (or the default) stays in use."""
    from ingestion.tmdb import fetch_configuration, tmdb_configuration_source
    from ingestion.tmdb.client import TmdbError
    from marquee.dbt import tagged_relation

    (due,) = target.query(f"select is_refresh_due from {tagged_relation(IMAGE_SETTINGS_TAG)}")[0]
    if not due:
        return
    try:
        payload = fetch_configuration(base_url, credentials, client_settings)
    except TmdbError as exc:
        print(f"marquee: TMDB configuration: {credentials.redact(str(exc))} (the image settings last read stay in use; asked again next time)", file=sys.stderr)
        return
    land(tmdb_configuration_source(payload, datetime.now(timezone.utc)), target, pipeline_name="marquee_tmdb")
    print("TMDB: read the image configuration (base URL and sizes).")


def ingest_tmdb(
    target: Engine, limit: int | None = None, client_settings: ClientSettings | None = None
) -> FetchSummary:
    """Read the change lists (and, when due, the image configuration), then fetch the work list
    and land the outcomes; prints what it does."""
    from ingestion.tmdb import fetch_changes, fetch_items, resolve_credentials, tmdb_changes_source, tmdb_source
    from ingestion.tmdb.fetch import Batch
    from ingestion.tmdb.recorded import SAMPLE_TMDB_DIR, serve_recorded
    from marquee.dbt import tagged_relation

    overrides = source_overrides("tmdb")
    base_url = str(overrides.pop("api_base_url", None) or dlt.config["sources.tmdb.api_base_url"])
    client_settings = client_settings or ClientSettings.from_config(**overrides)
    credentials = resolve_credentials()
    _refresh_tmdb_views(target)
    with contextlib.ExitStack() as stack:
        if not credentials.present:
            print(
                "TMDB: no TMDB_API_READ_TOKEN or TMDB_API_KEY set: serving the bundled recorded responses "
                f"({SAMPLE_TMDB_DIR.relative_to(SAMPLE_TMDB_DIR.parents[2])}) from a local server."
            )
            base_url = stack.enter_context(serve_recorded())
        window = read_change_window(target)
        listed, problems = fetch_changes(window.start, window.end, base_url, credentials, client_settings)
        known = {(kind, int(tmdb_id)) for kind, tmdb_id in target.query(f"select media_type, tmdb_id from {tagged_relation(FETCHED_TITLES_TAG)}")}
        # the lists name every title changed on TMDB: only the markers and the titles fetched before land
        rows = [row for row in listed if row["tmdb_id"] is None or (row["media_type"], row["tmdb_id"]) in known]
        if rows:
            land(tmdb_changes_source(rows), target, pipeline_name="marquee_tmdb")
        changed = sum(1 for row in rows if row["tmdb_id"] is not None)
        gap = "; the last window covered ended over 14 days ago: the refresh window covers the gap" if window.fell_back else ""
        print(
            f"TMDB: change lists {window.start}..{window.end}: {changed:,} title{'s' if changed != 1 else ''} "
            f"fetched before changed{gap}."
        )
        for problem in problems:
            print(f"marquee: TMDB {problem} (not read: asked again next time; the refresh window applies)", file=sys.stderr)
        refresh_tmdb_configuration(target, base_url, credentials, client_settings)
        items = read_work_list(target, limit, refresh=bool(rows))  # the work list sees the changes landed
        if not items:
            print("TMDB: nothing to fetch (every title was fetched within the refresh window and has not changed since).")
            return FetchSummary()

        def land_batch(batch: Batch) -> None:
            land(tmdb_source(batch), target, pipeline_name="marquee_tmdb")

        print(f"TMDB: fetching {len(items):,} title{'s' if len(items) != 1 else ''} at up to {client_settings.rate:g} requests/s.")
        summary = fetch_items(items, base_url, credentials, client_settings, land_batch)
    print(summary.line())
    if summary.titles and summary.failed == summary.titles:
        raise MarqueeError(
            f"TMDB: every one of the {summary.titles:,} titles failed (their outcomes were landed; see marts.media_links)"
        )
    return summary


def build(target: Engine, select: str | None = None) -> str:
    """`dbt build`, which publishes itself (macros/publishing/), and a summary of what it published.

    With `select` (dbt's node selection syntax), only the selected nodes are built
    and tested (tests that also read an unselected model are left out: see
    selection_with_tests); the marts they do not rebuild are carried over
    unchanged into the new version.
    """
    from marquee.dbt import run_dbt, selection_with_tests
    from marquee.lifecycle import keep_loads, print_prune_since
    from marquee.status import publication
    from marquee.summary import print_build_summary

    keep_loads()  # a bad MARQUEE_KEEP_LOADS stops here, before anything is built
    started = datetime.now(timezone.utc)
    # dbt's unit tests check the SQL on fixed inputs: they run in CI (`make lint`) and in a plain
    # `dbt build`, not in every production build (dbt Labs' advice; about 6 s of a sample build here)
    command = ["build", "--exclude-resource-type", "unit_test"]
    if select is None and target.buildable:
        select = target.buildable
        print(f"{target.describe()} builds {select} (the marts this engine supports so far).")
    selection = f" (--select {select})" if select else ""
    log.info("Building the marts on %s%s", target.describe(), selection)
    if select:
        nodes = selection_with_tests(select)
        if not nodes:
            raise MarqueeError(f"--select {select} selects nothing to build -- nothing was published; marts are unchanged")
        command += ["--select", *nodes, "--indirect-selection", "empty"]
    outcome = run_dbt(command, target, node_failures_ok=True)
    published = publication(target, outcome.invocation_id)
    failed = f"dbt build failed: {'; '.join(outcome.failures[:5])}"
    if published is None:
        raise MarqueeError(f"{failed} -- nothing was published; marts are unchanged")
    note = f"; {published.carried_over} not selected carried over unchanged" if select else ""
    if published.stale:
        stale = sorted(published.stale)
        note = f"; {', '.join(stale)} kept {'their' if len(stale) > 1 else 'its'} last good version"
    print(f"Published {published.views} marts (version {published.version}) to schema marts{note}.")
    if not select or "show_reconcile_log" in outcome.built:
        print_build_summary(target, outcome.invocation_id)
    print_prune_since(target, started)
    if published.stale:
        kept = "; ".join(f"{domain} (since {since})" for domain, since in sorted(published.stale.items()))
        raise MarqueeError(f"{failed} -- the other marts were published; these kept their last good version: {kept}")
    return published.version


@dataclass(frozen=True)
class RunSources:
    """What a run lands: the given feeds (in order) and app source, else the bundled samples."""

    feeds: tuple[tuple[str, datetime | None], ...]
    app: str
    app_pii_key: str | None = None  # the bundled sample's own key; a real source's comes from the settings
    sample_feeds: bool = False
    sample_app: bool = False


def run_sources(shows: Sequence[str] | None, app: str | None) -> RunSources:
    from ingestion.app.sample import SAMPLE_APP_EXPORT, sample_pii_key
    from ingestion.shows.sample import SAMPLE_FEEDS

    feeds = tuple((source, None) for source in shows) if shows else SAMPLE_FEEDS
    if app:
        return RunSources(feeds, app, sample_feeds=not shows)
    return RunSources(feeds, str(SAMPLE_APP_EXPORT), sample_pii_key(), sample_feeds=not shows, sample_app=True)


def run(target: Engine, shows: Sequence[str] | None, app: str | None = None) -> None:
    """Land every source, build, fetch TMDB, build again, generate the docs.

    One source's trouble does not stop the others: a step that fails is reported
    (one line on stderr) and the run goes on with the rest; it ends with exit
    status 1 naming every failed step."""
    problems: list[str] = []

    def attempt(step: Callable[..., Any], *args: Any) -> Any:
        try:
            return step(*args)
        except MarqueeError as exc:
            problems.append(str(exc))
            print(f"marquee: {exc} (the run goes on)", file=sys.stderr)
            return None

    sources = run_sources(shows, app)
    if sources.sample_feeds:
        print("No --shows given: landing the bundled sample feeds.")
    for source, fetched_at in sources.feeds:
        attempt(ingest_shows, target, source, fetched_at)
    if sources.sample_app:
        print("No --app given: landing the bundled sample export of the watch-list app.")
    attempt(ingest_app, target, sources.app, sources.app_pii_key)
    version = attempt(build, target)
    # TMDB reads its work list from the build above; a second build turns what it landed into
    # marts, when it landed anything (else the first build's marts are already current).
    fetched = attempt(ingest_tmdb, target)
    if fetched is None or fetched.titles:
        version = attempt(build, target)
    else:
        print("TMDB landed nothing new: the build above is current.")
    if version:
        from marquee.summary import print_media_summary

        print_media_summary(target)
        docs(target, None)
    if problems:
        raise MarqueeError(f"the run finished, but {len(problems)} step(s) failed: {'; '.join(problems)}")


def docs(target: Engine, serve_port: int | None) -> None:
    from marquee.dbt import run_dbt

    run_dbt(["docs", "generate"], target, quiet=True)
    print("dbt docs generated in target/ (browse them with `make docs`).")
    if serve_port:
        print(f"Serving the dbt docs on http://127.0.0.1:{serve_port} (Ctrl-C to stop).")
        run_dbt(
            ["docs", "serve", "--port", str(serve_port), "--host", "127.0.0.1", "--no-browser"],
            target,
        )


