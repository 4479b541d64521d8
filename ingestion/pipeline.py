"""Run a dlt source into the warehouse's `raw` schema.

Every run uses a fresh, temporary pipeline working directory, so a failed run
leaves no half-extracted package behind that a later run could load: a source
that fails while being read loads nothing, and what was loaded before is
untouched. dlt restores any pipeline state (incremental cursors) from the
destination, where it is kept with the data.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.errors import MarqueeError
from ingestion.settings import RAW_SCHEMA, Target
from ingestion.warehouse import dlt_destination, loader_file_format

log = logging.getLogger(__name__)

# Arrow batches get `_dlt_load_id` too, so every raw row names its load.
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
# The intermediate files live for one run in a temporary directory: gzip-ing
# them only costs time (about 15% of landing a feed into PostgreSQL).
os.environ.setdefault("DATA_WRITER__DISABLE_COMPRESSION", "true")
# Keep dlt's own telemetry off: no network here, and nothing should leave the machine.
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")


@dataclass(frozen=True)
class Landed:
    """What one landing wrote: the load id and rows per raw table."""

    load_id: str | None
    row_counts: dict[str, int]


def land(source: object, target: Target, pipeline_name: str) -> Landed:
    """Extract, normalize and load `source` into `raw`; one dlt load per call."""
    with tempfile.TemporaryDirectory(prefix="marquee-dlt-") as pipelines_dir:
        pipeline = dlt.pipeline(
            pipeline_name=pipeline_name,
            pipelines_dir=pipelines_dir,
            destination=dlt_destination(target),
            dataset_name=RAW_SCHEMA,
        )
        try:
            info = pipeline.run(source, loader_file_format=loader_file_format(target))
        except PipelineStepFailed as exc:
            cause = _user_error(exc)
            if cause is not None:
                raise cause from None
            raise MarqueeError(
                f"landing {pipeline_name} into {target.describe()} failed at the {exc.step} step: "
                f"{_first_line(exc.exception)}"
            ) from None
        counts = dict(pipeline.last_trace.last_normalize_info.row_counts) if pipeline.last_trace else {}
        load_id = info.loads_ids[0] if info.loads_ids else None
        return Landed(load_id=load_id, row_counts={k: v for k, v in counts.items() if not k.startswith("_dlt")})


def _user_error(exc: BaseException) -> MarqueeError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MarqueeError):
            return current
        current = getattr(current, "exception", None) or current.__cause__ or current.__context__
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
