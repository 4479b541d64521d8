"""dlt sources for the watch-list app's data (see README.md in this folder).

Two ways in, one result: `app_export_source` reads a JSON Lines export
directory, `app_database_source` reads the app's database with dlt's
`sql_database` source (`sql_table` per table). Both land the same tables,
`raw.app_<table>`, with the same columns: the allowlisted columns as text
(dlt turns camelCase into snake_case), emails replaced by keyed pseudonyms,
plus `_extracted_at` and `_source`.

Every run is kept (write disposition `append`): a load is identifiable by its
`_dlt_load_id`, and dbt reads each row's latest version (models/staging/app).
- database path: tables with `updatedAt` are read incrementally on it (only
  changed rows land); tables without it (family memberships, invitations,
  recommendations, whose status changes without a cursor) are read whole.
- export path: an export is a full snapshot of every table. It also keeps rows
  a database could never hold (a missing or duplicate id), which dbt
  quarantines with a reason.

Deletions: besides the rows, every run lands the key snapshot `raw.app_row_keys`
(per table a marker row, then every id present now; the database path reads
the ids alone, cheap next to the incremental read). An id absent from a
table's latest snapshot was deleted in the app.

Erasure: `suppressed` holds the keyed hashes (`rows.erasure_hash`) of erased
users and families; their rows are never extracted again (`rows.Suppression`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion.app.database import AppDatabase
from ingestion.app.export import AppExport
from ingestion.app.rows import (
    KEY_COLUMN_HINTS,
    RowShaper,
    Suppression,
    column_hints,
    dropped_columns_warning,
)
from ingestion.app.settings import APP_TABLES, CHUNK_SIZE, KEYS_TABLE, PII_KEY_ENV, PII_KEY_SECRET, AppTable
from ingestion import redaction
from ingestion.errors import MarqueeError


def resolve_pii_key(explicit: str | None = None) -> str:
    """The HMAC key for email pseudonyms: explicit, else $MARQUEE_PII_KEY, else the dlt secret."""
    key = explicit or os.environ.get(PII_KEY_ENV)
    if not key:
        try:
            key = dlt.secrets.get(PII_KEY_SECRET, str)
        except Exception:  # noqa: BLE001 - any config error means: not configured
            key = None
    if not key:
        raise MarqueeError(
            f"no key to pseudonymise app emails: set {PII_KEY_ENV} "
            f"(or {PII_KEY_SECRET} in .dlt/secrets.toml); nothing was loaded"
        )
    redaction.register(str(key))
    return str(key)


def _key_snapshot(
    table: AppTable, shaper: RowShaper, source_rows: Callable[[], Iterator[list[dict[str, Any]]]]
) -> DltResource:
    """The resource of a table's key snapshot in `raw.app_row_keys`: its marker, then its ids."""

    def keys() -> Iterator[list[dict[str, Any]]]:
        yield [shaper.marker()]
        for rows in source_rows():
            keyed = shaper.key_batch(rows)
            if keyed:
                yield keyed

    return dlt.resource(
        keys, name=f"{table.raw_table}_keys", table_name=KEYS_TABLE, write_disposition="append",
        columns=KEY_COLUMN_HINTS,
    )


@dlt.source(name="app", max_table_nesting=0)
def app_export_source(
    export: AppExport,
    pii_key: str = dlt.secrets.value,
    suppressed: Sequence[str] = (),
    shapers: dict[str, RowShaper] | None = None,
) -> Iterator[DltResource]:
    """Every landed table of a JSON Lines export, appended as one load, with its key snapshot.

    `shapers`, when given, receives each table's RowShaper (which counts the rows it shaped).
    """
    extracted_at = datetime.now(timezone.utc)
    suppression = Suppression(pii_key, suppressed)
    for table in APP_TABLES:
        shaper = RowShaper(table, pii_key, extracted_at, export.label, suppression)
        if shapers is not None:
            shapers[table.name] = shaper

        def rows(table: AppTable = table, shaper: RowShaper = shaper) -> Iterator[list[dict[str, Any]]]:
            yield from export.batches(table, shaper)

        yield dlt.resource(
            rows,
            name=table.raw_table,
            table_name=table.raw_table,
            write_disposition="append",
            columns=column_hints(table),
        )
        yield _key_snapshot(table, shaper, lambda table=table: export.rows(table))  # type: ignore[misc]


@dlt.source(name="app", max_table_nesting=0)
def app_database_source(
    database: AppDatabase,
    pii_key: str = dlt.secrets.value,
    suppressed: Sequence[str] = (),
    shapers: dict[str, RowShaper] | None = None,
) -> Iterator[DltResource]:
    """Every landed table of the app database (incremental on updatedAt where it exists), with its key snapshot."""
    from dlt.sources.sql_database import remove_nullability_adapter, sql_table

    extracted_at = datetime.now(timezone.utc)
    suppression = Suppression(pii_key, suppressed)
    for table in APP_TABLES:
        present = database.columns[table.name]
        dropped_columns_warning(table, present)
        # Only allowlisted columns are selected: secrets are never even read.
        selected = [column for column in table.read_columns if column in present]
        reader = sql_table(
            credentials=database.engine,
            table=table.name,
            included_columns=selected,
            reflection_level="minimal",
            backend="sqlalchemy",
            chunk_size=CHUNK_SIZE,
            table_adapter_callback=remove_nullability_adapter,
            incremental=dlt.sources.incremental(table.cursor) if table.cursor else None,
        )
        shaper = RowShaper(table, pii_key, extracted_at, database.label, suppression)
        if shapers is not None:
            shapers[table.name] = shaper

        def shape(rows: list[dict[str, Any]], shaper: RowShaper = shaper) -> Iterator[list[dict[str, Any]]]:
            shaped = shaper.shape_batch(rows)
            if shaped:
                yield shaped

        # The reader (with its incremental cursor) feeds a transformer that owns the raw table's hints.
        yield reader | dlt.transformer(
            shape,
            name=table.raw_table,
            table_name=table.raw_table,
            write_disposition="append",
            columns=column_hints(table),
        )
        yield _key_snapshot(table, shaper, lambda table=table: database.key_rows(table))  # type: ignore[misc]
