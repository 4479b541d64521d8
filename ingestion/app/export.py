"""Read a JSON Lines export of the app: a directory with one `<table>.jsonl` per table.

Files are streamed line by line; a line that is not a JSON object stops the
run with one line naming the file and the line number (never its content, which
may hold secrets), and nothing of the export is loaded. Blank lines are skipped.
Files of tables that are not landed (sessions, refresh tokens) are never opened.
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

    @property
    def label(self) -> str:
        return str(self.directory)

    def path(self, table: AppTable) -> Path:
        return self.directory / f"{table.name}.jsonl"

    def batches(self, table: AppTable, shaper: RowShaper) -> Iterator[list[dict[str, Any]]]:
        """The table's rows, shaped, in batches; warns once about columns not on the allowlist."""
        path = self.path(table)
        seen_columns: set[str] = set()
        batch: list[dict[str, Any]] = []
        with path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                row = _parse(line, path, number)
                seen_columns.update(row)
                batch.append(shaper(row))
                if len(batch) >= EXPORT_BATCH_SIZE:
                    yield batch
                    batch = []
        if batch:
            yield batch
        dropped_columns_warning(table, seen_columns)


def _parse(line: bytes, path: Path, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise ExportError(f"{path} line {number}: not valid JSON ({reason}); nothing was loaded") from None
    if not isinstance(row, dict):
        raise ExportError(f"{path} line {number}: not a JSON object; nothing was loaded")
    return row
