"""dlt source for a cinema chain's show-time feed.

`shows_source(source, fetched_at)` lands every record of one feed document
(a path or an http(s) URL; how it is read comes from `[sources.shows]` in
.dlt/config.toml, each value overridable by an argument or by dlt's
environment variable, e.g. SOURCES__SHOWS__BATCH_SIZE),
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

from ingestion.shows.feed import FeedSettings, ShowsFeed
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


@dlt.source(name="shows", section="shows", max_table_nesting=0)
def shows_source(
    source: str,
    fetched_at: datetime,
    batch_size: int = dlt.config.value,
    progress_every: int = dlt.config.value,
    http_timeout_seconds: float = dlt.config.value,
    deadline_seconds: float = dlt.config.value,
    max_nesting_depth: int = dlt.config.value,
    whole_document_max_mib: int = dlt.config.value,
) -> DltResource:
    """The show-time feed `source` as fetched at `fetched_at`: one resource, `shows`."""
    feed = ShowsFeed(
        source,
        fetched_at,
        FeedSettings(int(batch_size), int(progress_every), float(http_timeout_seconds), float(deadline_seconds),
                     int(max_nesting_depth), int(whole_document_max_mib)),
    )  # fmt: skip

    @dlt.resource(
        name=RAW_TABLE,
        write_disposition="append",
        columns=RAW_COLUMN_HINTS,
    )
    def shows() -> Iterator[pa.Table]:
        yield from feed.arrow_batches()

    return shows
