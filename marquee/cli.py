"""The `marquee` command line.

    marquee ingest shows --source PATH_OR_URL [--target duckdb|postgres|spark] [--fetched-at TIME]
    marquee ingest app   --source DIRECTORY_OR_DATABASE_URL [--target duckdb|postgres|spark]
    marquee ingest tmdb  [--target duckdb|postgres|spark] [--limit N]
    marquee build [--target duckdb|postgres|spark] [--select SELECTOR]
    marquee run   [--target duckdb|postgres|spark] [--shows PATH_OR_URL ...] [--app DIRECTORY_OR_URL]
    marquee docs  [--target duckdb|postgres|spark] [--serve PORT]
    marquee prune [--target duckdb|postgres|spark] [--keep N]
    marquee erase user APP_USER_ID [--target duckdb|postgres|spark]
    marquee serve [--host 127.0.0.1] [--port 8787]
    marquee status [--target duckdb|postgres|spark]
    marquee freshness [--target duckdb|postgres|spark]

Errors a user can cause end with one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from ingestion import redaction
from ingestion.errors import MarqueeError, first_line
from marquee import runs
from marquee.engines import ENGINE_NAMES, resolve_engine
from marquee.erasure import erase_user
from marquee.lifecycle import prune
from marquee.status import print_freshness, print_status

log = logging.getLogger("marquee")


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marquee", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show detailed logs")
    commands = parser.add_subparsers(dest="command", required=True)

    def add_target(p: argparse.ArgumentParser) -> None:
        p.add_argument("--target", choices=ENGINE_NAMES, help="warehouse (default: $MARQUEE_TARGET or duckdb)")

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
    app = sources.add_parser("app", help="land the watch-list app's data (export directory or database URL)")
    app.add_argument(
        "--source",
        required=True,
        help="a JSON Lines export directory, or the app database URL (postgresql://... or sqlite:///path)",
    )
    add_target(app)

    tmdb = sources.add_parser("tmdb", help="fetch the TMDB work list (bundled recordings without credentials)")
    tmdb.add_argument("--limit", type=int, metavar="N", help="fetch at most N titles of the work list")
    add_target(tmdb)

    build_cmd = commands.add_parser("build", help="run dbt build (reconcile, history, marts, tests)")
    build_cmd.add_argument(
        "--select",
        metavar="SELECTOR",
        help="build and test only these dbt nodes (dbt selection syntax, e.g. '+marts.shows': the show marts "
        "and what they depend on); the other marts are carried over unchanged into the new version",
    )
    add_target(build_cmd)

    run_cmd = commands.add_parser("run", help="land the feeds, build, fetch TMDB, build again")
    run_cmd.add_argument(
        "--shows", action="append", metavar="PATH_OR_URL", help="a feed to land (repeatable; default: the sample)"
    )
    run_cmd.add_argument(
        "--app",
        metavar="DIRECTORY_OR_URL",
        help="the watch-list app's export directory or database URL (default: the bundled sample)",
    )
    add_target(run_cmd)

    docs_cmd = commands.add_parser("docs", help="generate the dbt docs site (and serve it on localhost)")
    docs_cmd.add_argument("--serve", type=int, metavar="PORT", help="serve the site on this port")
    add_target(docs_cmd)

    prune_cmd = commands.add_parser(
        "prune", help="remove what no model reads again from old raw loads (builds do it after publishing)"
    )
    prune_cmd.add_argument(
        "--keep", type=int, metavar="N",
        help="processed loads to keep per source (default: $MARQUEE_KEEP_LOADS or 3; 0 keeps every load)",
    )
    add_target(prune_cmd)

    erase_cmd = commands.add_parser("erase", help="remove every trace of an app user (right to erasure), then publish")
    erase_kinds = erase_cmd.add_subparsers(dest="erase_kind", required=True)
    erase_user_cmd = erase_kinds.add_parser("user", help="erase one app user by their id")
    erase_user_cmd.add_argument("user_id", metavar="APP_USER_ID", help="the user's id in the app")
    add_target(erase_user_cmd)

    serve_cmd = commands.add_parser(
        "serve", help="serve POST /sync: the source system starts a sync run (needs MARQUEE_TRIGGER_SECRET)"
    )
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    serve_cmd.add_argument("--port", type=int, default=8787, help="port (default: 8787)")
    status_cmd = commands.add_parser("status", help="loads, reconcile counts, freshness, published version")
    add_target(status_cmd)
    freshness_cmd = commands.add_parser("freshness", help="dbt source freshness of every source")
    add_target(freshness_cmd)
    return parser


class _JsonFormatter(logging.Formatter):
    """One JSON object per log line (MARQUEE_LOG_FORMAT=json), for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        return json.dumps(
            {
                "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def _configure_logging(verbose: bool) -> None:
    """Quiet, human lines on stderr by default; --verbose adds detail (and dbt's own log).

    Every record is redacted when it is created (ingestion/redaction.py), in every mode."""
    redaction.install()
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("MARQUEE_LOG_FORMAT", "text") == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose else "%(message)s")
        )
    handler.set_name("marquee")
    # Our handler sits on the root logger, so a library that calls
    # logging.basicConfig() later (dbt does, on import) adds nothing, and
    # test harnesses capturing the root logger still see every record.
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "marquee"] + [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in ("marquee", "ingestion"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        if args.command == "serve":  # the runs it starts are Dagster's: it touches no warehouse itself
            from marquee.serve import serve

            serve(args.host, args.port)
            return 0
        target = resolve_engine(args.target)
        if args.command == "docs":
            runs.docs(target, args.serve)
        elif args.command == "status":
            target.check_usable(write=False)
            print_status(target)
        elif args.command == "freshness":
            print_freshness(target)
        else:
            with target.lock():
                target.check_usable(write=True)
                if args.command == "ingest" and args.source_kind == "app":
                    runs.ingest_app(target, args.source)
                elif args.command == "ingest" and args.source_kind == "tmdb":
                    runs.ingest_tmdb(target, args.limit)
                elif args.command == "ingest":
                    runs.ingest_shows(target, args.source, args.fetched_at)
                elif args.command == "build":
                    runs.build(target, args.select)
                elif args.command == "run":
                    runs.run(target, args.shows, args.app)
                elif args.command == "prune":
                    prune(target, args.keep)
                elif args.command == "erase":
                    erase_user(target, args.user_id)
        return 0
    except MarqueeError as exc:
        print(f"marquee: error: {redaction.redact(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("marquee: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - an unforeseen fault: one line; the traceback with --verbose
        log.debug("unexpected error", exc_info=True)
        print(
            f"marquee: error: unexpected {type(exc).__name__}: {redaction.redact(first_line(exc))} "
            "(run with --verbose for the details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
