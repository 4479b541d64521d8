"""The `marquee` command line.

    marquee ingest shows --source PATH_OR_URL [--target duckdb|postgres] [--fetched-at TIME]
    marquee ingest tmdb [--target duckdb|postgres] [--limit N]
    marquee build [--target duckdb|postgres]
    marquee run   [--target duckdb|postgres] [--shows PATH_OR_URL ...]
    marquee docs  [--target duckdb|postgres] [--serve PORT]

Errors a user can cause end with one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from ingestion.errors import MarqueeError
from ingestion.settings import TARGETS, Target, resolve_target

log = logging.getLogger("marquee")


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def ingest_shows(target: Target, source: str, fetched_at: datetime | None = None) -> None:
    from ingestion.pipeline import land
    from ingestion.shows import open_feed, shows_source

    feed = open_feed(source, fetched_at or datetime.now(timezone.utc))
    landed = land(shows_source(feed), target, pipeline_name="marquee_shows")
    rows = landed.row_counts.get("shows", 0)
    print(f"Landed {rows:,} show records from {feed.label} into raw.shows (load {landed.load_id}).")


def ingest_tmdb(target: Target, limit: int | None = None) -> None:
    from ingestion.tmdb import ingest_tmdb as fetch

    fetch(target, limit)


def build(target: Target) -> None:
    from ingestion.dbt import run_dbt
    from ingestion.summary import print_build_summary

    outcome = run_dbt(["build"], target)
    print_build_summary(target, outcome.invocation_id)


def run(target: Target, shows: Sequence[str] | None) -> None:
    from ingestion.dbt import run_dbt
    from ingestion.shows.sample import SAMPLE_FEEDS

    feeds = [(source, None) for source in shows] if shows else list(SAMPLE_FEEDS)
    if not shows:
        print("No --shows given: landing the bundled sample feeds.")
    for source, fetched_at in feeds:
        ingest_shows(target, source, fetched_at)
    build(target)
    # TMDB reads its work list from the build above; a second build turns what it landed into marts.
    ingest_tmdb(target)
    run_dbt(["build"], target, quiet=True)
    from ingestion.summary import print_media_summary

    print_media_summary(target)
    run_dbt(["docs", "generate"], target, quiet=True)
    print("dbt docs generated in target/ (serve them with `make docs`).")


def docs(target: Target, serve_port: int | None) -> None:
    from ingestion.dbt import run_dbt

    run_dbt(["docs", "generate"], target, quiet=True)
    print("dbt docs generated in target/.")
    if serve_port:
        run_dbt(["docs", "serve", "--port", str(serve_port), "--host", "127.0.0.1", "--no-browser"], target)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marquee", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show detailed logs")
    commands = parser.add_subparsers(dest="command", required=True)

    def add_target(p: argparse.ArgumentParser) -> None:
        p.add_argument("--target", choices=TARGETS, help="warehouse (default: $MARQUEE_TARGET or duckdb)")

    ingest = commands.add_parser("ingest", help="land one source into the raw schema")
    sources = ingest.add_subparsers(dest="source_kind", required=True)
    shows = sources.add_parser("shows", help="land one show-time feed")
    shows.add_argument("--source", required=True, help="feed file path or http(s) URL")
    shows.add_argument(
        "--fetched-at",
        type=_parse_time,
        help="when the feed was fetched (ISO 8601; default: now); the withdrawal rule's reference time",
    )
    add_target(shows)

    tmdb = sources.add_parser("tmdb", help="fetch the TMDB work list (bundled recordings without credentials)")
    tmdb.add_argument("--limit", type=int, metavar="N", help="fetch at most N titles of the work list")
    add_target(tmdb)

    build_cmd = commands.add_parser("build", help="run dbt build (reconcile, history, marts, tests)")
    add_target(build_cmd)

    run_cmd = commands.add_parser("run", help="land the feeds, build, fetch TMDB, build again")
    run_cmd.add_argument(
        "--shows", action="append", metavar="PATH_OR_URL", help="a feed to land (repeatable; default: the sample)"
    )
    add_target(run_cmd)

    docs_cmd = commands.add_parser("docs", help="generate the dbt docs site (and serve it on localhost)")
    docs_cmd.add_argument("--serve", type=int, metavar="PORT", help="serve the site on this port")
    add_target(docs_cmd)
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO; URLs may carry credentials.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "DEBUG" if verbose else "WARNING")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        target = resolve_target(args.target)
        if args.command == "ingest" and args.source_kind == "tmdb":
            ingest_tmdb(target, args.limit)
        elif args.command == "ingest":
            ingest_shows(target, args.source, args.fetched_at)
        elif args.command == "build":
            build(target)
        elif args.command == "run":
            run(target, args.shows)
        elif args.command == "docs":
            docs(target, args.serve)
        return 0
    except MarqueeError as exc:
        print(f"marquee: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("marquee: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
