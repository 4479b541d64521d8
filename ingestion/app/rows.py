"""Shape one app row for landing: allowlist, pseudonymise emails, values as text.

Both paths (export files and database) go through `RowShaper`, so they land
identical raw tables: every allowlisted column, as text in a stable spelling
(timestamps ISO 8601, booleans true/false, arrays and objects as JSON), plus
`<email column>Pseudonym`, `_extracted_at` and `_source`. Typing is dbt's job.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ingestion.app.settings import NEVER_LAND, AppTable

log = logging.getLogger(__name__)


def pseudonymise(email: Any, key: str) -> str | None:
    """HMAC-SHA256 of the trimmed, lower-cased email under `key` (hex); None for no email.

    The same email always gets the same pseudonym under the same key, so an
    invitation can be matched to the user it invited without either email
    being stored.
    """
    if email is None:
        return None
    normalised = str(email).strip().lower()
    if not normalised:
        return None
    return hmac.new(key.encode("utf-8"), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def as_text(value: Any) -> str | None:
    """A landed value: text in one spelling whichever path it came from."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def column_hints(table: AppTable) -> dict[str, dict[str, Any]]:
    """dlt column hints of a raw table: every landed column is nullable text."""
    hints: dict[str, dict[str, Any]] = {
        column: {"data_type": "text", "nullable": True} for column in table.landed_columns
    }
    hints["_extracted_at"] = {"data_type": "timestamp", "nullable": False}
    hints["_source"] = {"data_type": "text", "nullable": False}
    return hints


def dropped_columns_warning(table: AppTable, columns: Iterable[str]) -> None:
    """Name, in one line, the columns of a table that were not landed (known secrets excepted)."""
    known_secrets = set(NEVER_LAND.get(table.name, ()))
    unknown = sorted(set(columns) - set(table.read_columns) - known_secrets)
    if unknown:
        log.warning(
            "app %s: column(s) not on the allowlist, not landed: %s "
            "(add them to ingestion/app/settings.py if they should land)",
            table.name,
            ", ".join(unknown),
        )


class RowShaper:
    """Turns a source row (dict) into the landed row of its table."""

    def __init__(self, table: AppTable, pii_key: str, extracted_at: datetime, source_label: str) -> None:
        self.table = table
        self._key = pii_key
        self._extracted_at = extracted_at
        self._source = source_label
        self.rows = 0

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        shaped: dict[str, Any] = {column: as_text(row.get(column)) for column in self.table.columns}
        for column in self.table.pseudonymised:
            shaped[f"{column}Pseudonym"] = pseudonymise(row.get(column), self._key)
        shaped["_extracted_at"] = self._extracted_at
        shaped["_source"] = self._source
        self.rows += 1
        return shaped
