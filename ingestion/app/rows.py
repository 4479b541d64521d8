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


def erasure_hash(key: str, table: str, row_id: Any) -> str:
    """The keyed hash that stands for an erased user's (or family's) id in the erasure log (hex)."""
    message = f"{table}:{str(row_id).strip()}"
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


class Suppression:
    """The erased users and families (as keyed hashes): their rows are never extracted again.

    A row is suppressed when one of its table's `references` (a user or family id column) holds an
    erased id, or its email is an erased user's: the user's own row, their profile, entries,
    reactions, memberships, the families they owned and those families' memberships and
    invitations, invitations to their email, the recommendations they sent or received. Suppressed rows are counted, never landed, and not in the key snapshot.
    """

    def __init__(self, key: str, hashes: Iterable[str] = ()) -> None:
        self._key = key
        self._hashes = frozenset(hashes)

    def __bool__(self) -> bool:
        return bool(self._hashes)

    def suppresses(self, table: AppTable, row: dict[str, Any]) -> bool:
        if not self._hashes:
            return False
        if any(
            row.get(column) is not None and erasure_hash(self._key, kind, row[column]) in self._hashes
            for column, kind in table.references
        ):
            return True
        # an invitation to an erased user's email names them by the email alone
        pseudonyms = (pseudonymise(row.get(column), self._key) for column in table.pseudonymised)
        return any(p is not None and erasure_hash(self._key, "emails", p) in self._hashes for p in pseudonyms)


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


KEY_COLUMN_HINTS: dict[str, dict[str, Any]] = {
    "table_name": {"data_type": "text", "nullable": False},
    "id": {"data_type": "text", "nullable": True},
    "_extracted_at": {"data_type": "timestamp", "nullable": False},
    "_source": {"data_type": "text", "nullable": False},
}


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
    """Turns a source row (dict) into the landed row of its table, or its key row.

    Counts what it shaped (`rows`) and what the suppression kept out (`suppressed`).
    """

    def __init__(
        self,
        table: AppTable,
        pii_key: str,
        extracted_at: datetime,
        source_label: str,
        suppression: Suppression | None = None,
    ) -> None:
        self.table = table
        self._key = pii_key
        self._extracted_at = extracted_at
        self._source = source_label
        self._suppression = suppression or Suppression(pii_key)
        self.rows = 0
        self.suppressed = 0
        self.keys = 0

    def keeps(self, row: dict[str, Any]) -> bool:
        """False for a row of an erased user or family (counted once, by the row pass)."""
        return not self._suppression.suppresses(self.table, row)

    def shape_batch(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The landed rows of a batch, suppressed rows left out and counted."""
        shaped = []
        for row in rows:
            if self.keeps(row):
                shaped.append(self(row))
            else:
                self.suppressed += 1
        return shaped

    def marker(self) -> dict[str, Any]:
        """The key snapshot's first row for the table: taken now, whatever the number of ids."""
        return {"table_name": self.table.name, "id": None, "_extracted_at": self._extracted_at,
                "_source": self._source}

    def key_batch(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The key rows (table, id) of a batch of source rows: present ids, suppressed ones left out."""
        keyed = []
        for row in rows:
            row_id = as_text(row.get("id"))
            if row_id is None or not row_id.strip() or not self.keeps(row):
                continue
            keyed.append({"table_name": self.table.name, "id": row_id.strip(),
                          "_extracted_at": self._extracted_at, "_source": self._source})
        self.keys += len(keyed)
        return keyed

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        shaped: dict[str, Any] = {column: as_text(row.get(column)) for column in self.table.columns}
        for column in self.table.pseudonymised:
            shaped[f"{column}Pseudonym"] = pseudonymise(row.get(column), self._key)
        shaped["_extracted_at"] = self._extracted_at
        shaped["_source"] = self._source
        self.rows += 1
        return shaped
