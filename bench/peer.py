"""The peer: the same feeds historised by dlt's own `scd2` merge, what a dlt user would pick
instead of Marquee. Run as a child process by the show scenarios (so it can be time-boxed):

    python -m bench.peer --target duckdb|postgres --feed F --fetched-at T --pipelines-dir D

(the warehouse comes from the environment, as for `marquee`: MARQUEE_DUCKDB_PATH or PGDATABASE)
and prints one JSON line: seconds, and the table's rows after the load (active, retired).

The feed is read by Marquee's own parser (`ShowsFeed.arrow_batches`: the same native split),
the 11 feed fields land as text with a row hash over all of them (`row_version_column_name`),
`merge_key` = cinema_id (a feed lists whole cinemas: an active row of a listed cinema whose
hash is absent from the load is retired) and `boundary_timestamp` = the fetch time. That is
all it does; what Marquee does and it does not (each shows up in its counts):
- no typing, validation or rejects: a record without a usable key is an active row like any;
- no normalisation: a show re-spelled without changing meaning (another time-zone offset,
  `"1"` for `true`) is a new version, its old row retired;
- no duplicate handling: two records of one show with different values are two active rows;
- no withdrawal rule: every row of a listed cinema absent from the feed is retired, the
  past shows a next-day feed no longer lists included (Marquee withdraws only future shows);
- no ledger of loads, no reconcile log, no tests, no publishing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.shows.settings import FEED_FIELDS

TABLE = "shows_scd2"
DATASET = "peer_scd2"
_COLUMNS = list(FEED_FIELDS.values())


def _with_row_hash(batch: pa.Table) -> pa.Table:
    shows = batch.select(_COLUMNS)
    joined = pc.binary_join_element_wise(
        *[pc.fill_null(shows[c], "\x00") for c in _COLUMNS], "\x1f", null_handling="replace"
    )
    hashes = [hashlib.md5(value.encode()).hexdigest() for value in joined.to_pylist()]  # noqa: S324 - not security
    return shows.append_column("row_hash", pa.array(hashes, pa.string()))


def load(target: str, feed: Path, fetched_at: datetime, pipelines_dir: Path) -> dict[str, float | int]:
    import dlt

    from ingestion.shows.feed import ShowsFeed
    from marquee.engines import engine_for

    started = time.perf_counter()
    settings = _feed_settings()
    reader = ShowsFeed(str(feed), fetched_at, settings)

    @dlt.resource(
        name=TABLE,
        merge_key="cinema_id",
        write_disposition={
            "disposition": "merge",
            "strategy": "scd2",
            "row_version_column_name": "row_hash",
            "boundary_timestamp": fetched_at,
        },
        columns={c: {"data_type": "text", "nullable": True} for c in _COLUMNS},
    )
    def shows() -> Iterator[pa.Table]:
        for batch in reader.arrow_batches():
            yield _with_row_hash(batch)

    pipeline = dlt.pipeline(
        pipeline_name=f"peer_scd2_{target}",
        destination=engine_for(target).dlt_destination(),
        dataset_name=DATASET,
        pipelines_dir=str(pipelines_dir),
    )
    pipeline.run(shows())
    seconds = time.perf_counter() - started
    with pipeline.sql_client() as client:
        active, retired = client.execute_sql(
            f"select count(*) filter (where _dlt_valid_to is null), count(*) filter (where _dlt_valid_to is not null) "
            f"from {client.make_qualified_table_name(TABLE)}"
        )[0]
    return {"seconds": seconds, "records": reader.records_read, "active": int(active), "retired": int(retired)}


def _feed_settings():  # type: ignore[no-untyped-def]
    import dlt

    from ingestion.shows.feed import FeedSettings

    config = dlt.config
    return FeedSettings(
        batch_size=int(config["sources.shows.batch_size"]),
        progress_every=10**12,
        http_timeout_seconds=60.0,
        deadline_seconds=600.0,
        max_nesting_depth=int(config["sources.shows.max_nesting_depth"]),
        whole_document_max_mib=int(config["sources.shows.whole_document_max_mib"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("duckdb", "postgres"), required=True)
    parser.add_argument("--feed", type=Path, required=True)
    parser.add_argument("--fetched-at", required=True)
    parser.add_argument("--pipelines-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    fetched_at = datetime.fromisoformat(args.fetched_at.replace("Z", "+00:00"))
    print(json.dumps(load(args.target, args.feed, fetched_at, args.pipelines_dir)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
