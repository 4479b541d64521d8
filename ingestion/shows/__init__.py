"""dlt source for a cinema chain's show-time feed.

`shows_source(source, fetched_at)` lands every record of one feed document,
as-is, into `raw.shows` (append-only). Each record keeps its position in the
feed (`_record_index`, so "the last one wins" can be decided later), the time
the feed was fetched (`_feed_fetched_at`, the reference time of the withdrawal
rule), the redacted source, any fields the contract does not know
(`_extra_fields`) and, for a record that is not a JSON object,
`_invalid_record`. dlt adds `_dlt_load_id`, which identifies the load.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import dlt
import pyarrow as pa
from dlt.sources import DltResource

from ingestion.shows.feed import ShowsFeed
from ingestion.shows.settings import FEED_FIELDS, RAW_TABLE

RAW_COLUMN_HINTS = {
    **{column: {"data_type": "text", "nullable": True} for column in FEED_FIELDS.values()},
    "_record_index": {"data_type": "bigint", "nullable": False},
    "_feed_fetched_at": {"data_type": "timestamp", "nullable": False},
    "_source": {"data_type": "text", "nullable": False},
    "_extra_fields": {"data_type": "text", "nullable": True},
    "_invalid_record": {"data_type": "text", "nullable": True},
    "_reject_reason": {"data_type": "text", "nullable": True},
}


@dlt.source(name="shows", max_table_nesting=0)
def shows_source(feed: ShowsFeed) -> DltResource:
    """The show-time feed: one resource, `shows`."""

    @dlt.resource(
        name=RAW_TABLE,
        write_disposition="append",
        columns=RAW_COLUMN_HINTS,
    )
    def shows() -> Iterator[pa.Table]:
        yield from feed.arrow_batches()

    return shows


def open_feed(source: str, fetched_at: datetime) -> ShowsFeed:
    """A feed reader for a path or URL (nothing is read until the pipeline runs)."""
    return ShowsFeed(source, fetched_at)
