"""Read a JSON Lines export of the app: a directory with one `<table>.jsonl` per table.

Files are streamed line by line; a line that is not a JSON object stops the
run with one line naming the file and the line number (never its content, which
may hold secrets), and nothing of the export is loaded. Blank lines are skipped.
Files of tables that are not landed (sessions, refresh tokens) are never opened.

An export is a complete snapshot of every table, so a row missing from it was
deleted in the app. A table file without a single row is therefore refused up
front (it would read as "every row deleted"), like a missing one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingestion.app.rows import RowShaper, dropped_columns_warning
from ingestion.app.settings import APP_TABLES, EXPORT_BATCH_SIZE, AppTable
from ingestion.errors import MarqueeError

log = logging.getLogger(__name__)


class ExportError(MarqueeError):
    """The export cannot be read as a whole; nothing from it may be loaded."""


class AppExport:
    """An export directory, checked up front (it exists and holds every landed table's file)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise ExportError(f"app export directory {self.directory} does not exist or is not a directory")
        missing = [f"{table.name}.jsonl" for table in APP_TABLES if not self.path(table).is_file()]
        if missing:
            raise ExportError(f"app export directory {self.directory} lacks {', '.join(missing)}")
        empty = [f"{table.name}.jsonl" for table in APP_TABLES if not _has_a_line(self.path(table))]
        if empty:
            raise ExportError(
                f"app export {self.directory}: {', '.join(empty)} holds no rows; an export is a complete "
                "snapshot, so an empty table would delete every row of it: nothing was loaded"
            )

    @property
    def label(self) -> str:
        return str(self.directory)

    def path(self, table: AppTable) -> Path:
        return self.directory / f"{table.name}.jsonl"

    def rows(self, table: AppTable) -> Iterator[list[dict[str, Any]]]:
        """The table's source rows in batches, as parsed."""
        path = self.path(table)
        batch: list[dict[str, Any]] = []
        with path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                batch.append(_parse(line, path, number))
                if len(batch) >= EXPORT_BATCH_SIZE:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def batches(self, table: AppTable, shaper: RowShaper) -> Iterator[list[dict[str, Any]]]:
        """The table's rows, shaped, in batches; warns once about columns not on the allowlist."""
        seen_columns: set[str] = set()
        for rows in self.rows(table):
            for row in rows:
                seen_columns.update(row)
            shaped = shaper.shape_batch(rows)
            if shaped:
                yield shaped
        dropped_columns_warning(table, seen_columns)


def _has_a_line(path: Path) -> bool:
    with path.open("rb") as lines:
        return any(line.strip() for line in lines)


def _parse(line: bytes, path: Path, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise ExportError(f"{path} line {number}: not valid JSON ({reason}); nothing was loaded") from None
    if not isinstance(row, dict):
        raise ExportError(f"{path} line {number}: not a JSON object; nothing was loaded")
    return row
