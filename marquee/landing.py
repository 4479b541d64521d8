"""Run a dlt source into the warehouse's `raw` schema: the one way every source lands.

Every run uses a fresh pipeline working directory, so a failed run leaves no
half-extracted package behind that a later run could load: a source that fails
while being read loads nothing, and what was loaded before is untouched. dlt
restores any pipeline state (incremental cursors) from the destination, where
it is kept with the data. The directory has a fixed name per warehouse and
pipeline (`<tmp>/marquee-dlt-<digest>`): it is emptied before each run and
removed after it, so even a killed run's directory is gone once the next run of
that warehouse starts (runs of one warehouse hold its lock).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.errors import MarqueeError, first_line
from marquee.engines import Engine

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"



@dataclass(frozen=True)
class Landed:
    """What one landing wrote: the load id and rows per raw table."""

    load_id: str | None
    row_counts: dict[str, int]


def raw_tables() -> dict[str, tuple[str, ...]]:
    """Each dlt source (its schema name in raw._dlt_loads) and the raw tables its loads write."""
    from ingestion.app.settings import APP_TABLES

    return {
        "shows": ("shows",),
        "tmdb": ("tmdb_titles", "tmdb_fetch_log"),
        "app": tuple(table.raw_table for table in APP_TABLES),
    }


def working_directory(target: Engine, pipeline_name: str) -> Path:
    """Where dlt works while `pipeline_name` lands into `target` (see the module's docstring)."""
    digest = hashlib.sha1(f"{target.identity()}|{pipeline_name}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"marquee-dlt-{digest}"


@contextlib.contextmanager
def _fresh_directory(path: Path) -> Iterator[str]:
    shutil.rmtree(path, ignore_errors=True)  # a killed run's leftovers
    path.mkdir(parents=True)
    try:
        yield str(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)


def land(source: object, target: Engine, pipeline_name: str) -> Landed:
    """Extract, normalize and load `source` into `raw`; one dlt load per call."""
    with _fresh_directory(working_directory(target, pipeline_name)) as pipelines_dir:
        pipeline = dlt.pipeline(
            pipeline_name=pipeline_name,
            pipelines_dir=pipelines_dir,
            destination=target.dlt_destination(),
            dataset_name=RAW_SCHEMA,
        )
        try:
            info = pipeline.run(source, loader_file_format=target.loader_file_format)
        except PipelineStepFailed as exc:
            cause = _user_error(exc)
            if cause is not None:
                raise cause from None
            raise MarqueeError(
                f"landing {pipeline_name} into {target.describe()} failed at the {exc.step} step: "
                f"{first_line(exc.exception)}"
            ) from None
        target.after_landing()
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


