"""Right to erasure: `marquee erase user <app user id>`.

Removes every trace of one app user from what Marquee writes, then publishes:
- raw: the user's row and every row that references them (profile, entries,
  reactions, memberships, invitations they sent or that went to their email,
  recommendations sent or received), the families they own with those families' memberships and
  invitations (the app's ON DELETE CASCADE), in every load; the key-snapshot
  rows of those rows; dlt's staging dataset (`raw_staging`, transient) is dropped;
- the deletion ledger (the model tagged `marquee_erasure`) rows of those ids;
- staging and intermediate app models are views over raw; the marts are rebuilt
  by the build that follows, which publishes and drops every older version;
- the engine then scrubs the freed space (DuckDB rewrites its file, PostgreSQL
  vacuums), so the deleted rows' bytes are gone from the DuckDB file too.

The erasure log `ops.app_erasures` holds no personal data: the keyed hash
(HMAC-SHA256 under the PII key) of each erased id (the user, their families,
their email pseudonym), its kind, the time and the rows removed. Its hashes keep
the user, their families and invitations to their email out of every later
extraction. Erasing an id twice changes nothing; an id Marquee never saw is
reported and still kept out of later loads. The id itself is never printed,
logged or written into SQL text (every statement takes it as a parameter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingestion.errors import MarqueeError
from marquee.engines import Engine

ERASURE_LOG = "ops.app_erasures"
ERASURE_TAG = "marquee_erasure"
RAW_SCHEMA = "raw"
DLT_STAGING_SCHEMA = "raw_staging"


def landed_column(column: str) -> str:
    """The raw column dlt makes of an app column (camelCase to snake_case)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", column).lower()


def erased_hashes(target: Engine) -> list[str]:
    """The keyed hashes of every erased user, family and email (none before the first erasure).

    A warehouse that cannot be read raises: landing without the log could bring an erased user back."""
    if not target.exists():
        return []
    schema, table = ERASURE_LOG.split(".")
    if not target.relation_exists(schema, table):
        return []
    return [row[0] for row in target.query(f"select erased_hash from {ERASURE_LOG}")]


@dataclass
class Erasure:
    """What one erasure found and removed (counts only)."""

    families: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _exists(cur: Any, target: Engine, schema: str, table: str) -> bool:
    marker = target.placeholder
    cur.execute(
        f"select count(*) from information_schema.tables where table_schema = {marker} and table_name = {marker}",
        (schema, table),
    )
    return cur.fetchone()[0] > 0


def _scrub(target: Engine, user_id: str, ledger: str | None) -> tuple[Erasure, list[str], list[str], list[str]]:
    """Delete the user's rows (one transaction); what went, the family ids, the email pseudonyms,
    the tables touched."""
    from ingestion.app.settings import APP_TABLES, KEYS_TABLE

    marker = target.placeholder
    erasure = Erasure()
    touched: list[str] = []
    with target.transaction() as cur:
        def values_of(table: str, column: str, key_column: str) -> list[str]:
            """The distinct non-null `column` of `table`'s raw rows whose `key_column` is the user."""
            if not _exists(cur, target, RAW_SCHEMA, table):
                return []
            cur.execute(
                f"select distinct {column} from {RAW_SCHEMA}.{table} where trim({key_column}) = {marker} "
                f"and {column} is not null",
                (user_id,),
            )
            return [row[0] for row in cur.fetchall()]

        family_ids = values_of("app_families", "trim(id)", "owner_id")  # the families they own
        erasure.families = len(family_ids)
        pseudonyms = values_of("app_users", "email_pseudonym", "id")  # invitations name them by it
        removed_ids: dict[str, list[str]] = {}
        for table in APP_TABLES:
            raw = f"{RAW_SCHEMA}.{table.raw_table}"
            if not _exists(cur, target, RAW_SCHEMA, table.raw_table):
                continue
            conditions: list[str] = []
            params: list[str] = []
            references = [(landed_column(column), [user_id] if kind == "users" else family_ids)
                          for column, kind in table.references]
            # invitations to the user's email name them by its pseudonym
            references += [(f"{landed_column(column)}_pseudonym", pseudonyms) for column in table.pseudonymised]
            for column, ids in references:
                if ids:
                    conditions.append(f"trim({column}) in ({', '.join([marker] * len(ids))})")
                    params.extend(ids)
            if not conditions:
                continue
            where = " or ".join(conditions)
            cur.execute(f"select distinct trim(id) from {raw} where ({where}) and id is not null", tuple(params))
            removed_ids[table.name] = [row[0] for row in cur.fetchall()]
            cur.execute(f"select count(*) from {raw} where {where}", tuple(params))
            count = cur.fetchone()[0]
            if count:
                cur.execute(f"delete from {raw} where {where}", tuple(params))
                erasure.rows[table.raw_table] = count
                touched.append(raw)
        for table_name, ids in removed_ids.items():
            for relation, table_column, id_column, schema, name in (
                (f"{RAW_SCHEMA}.{KEYS_TABLE}", "table_name", "id", RAW_SCHEMA, KEYS_TABLE),
                *(((ledger, "source_table", "row_id", *ledger.split(".", 1)),) if ledger else ()),
            ):
                if not ids or not _exists(cur, target, schema, name):
                    continue
                where = f"{table_column} = {marker} and trim({id_column}) in ({', '.join([marker] * len(ids))})"
                cur.execute(f"select count(*) from {relation} where {where}", (table_name, *ids))
                count = cur.fetchone()[0]
                if count:
                    cur.execute(f"delete from {relation} where {where}", (table_name, *ids))
                    erasure.rows[relation.split(".", 1)[1]] = erasure.rows.get(relation.split(".", 1)[1], 0) + count
                    touched.append(relation)
        cur.execute(f"drop schema if exists {DLT_STAGING_SCHEMA} cascade")
    return erasure, family_ids, pseudonyms, touched


def _record(target: Engine, hashes: Sequence[tuple[str, str]], rows: int) -> None:
    marker = target.placeholder
    known = set(erased_hashes(target))
    with target.transaction() as cur:
        cur.execute("create schema if not exists ops")
        cur.execute(
            f"create table if not exists {ERASURE_LOG} "
            "(erased_hash varchar, kind varchar, erased_at timestamp, rows_removed bigint)"
        )
        for erased_hash, kind in hashes:
            if erased_hash in known:
                continue
            cur.execute(
                f"insert into {ERASURE_LOG} values ({marker}, {marker}, "
                f"cast(current_timestamp at time zone 'UTC' as timestamp), {marker})",
                (erased_hash, kind, rows if kind == "users" else 0),
            )


def _ledger_relation() -> str | None:
    """The deletion ledger, found by its tag (None when the project was never parsed here)."""
    from marquee.dbt import tagged_relation, target_dir

    if not (target_dir() / "manifest.json").exists():
        return None
    return tagged_relation(ERASURE_TAG)


def erase_user(target: Engine, user_id: str, pii_key: str | None = None) -> None:
    """`marquee erase user`: see the module's docstring. The caller holds the warehouse lock."""
    from ingestion.app import resolve_pii_key
    from ingestion.app.rows import erasure_hash
    from marquee.dbt import run_dbt, target_dir
    from marquee.runs import build

    user_id = user_id.strip()
    if not user_id:
        raise MarqueeError("erase user needs the app user's id")
    target.refuse_row_deletion("erasing a user")
    key = resolve_pii_key(pii_key)
    user_hash = erasure_hash(key, "users", user_id)
    label = f"user {user_hash[:12]}… (keyed hash)"  # never the id itself
    if not (target_dir() / "manifest.json").exists():
        run_dbt(["parse"], target, quiet=True)
    erasure, family_ids, pseudonyms, touched = _scrub(target, user_id, _ledger_relation())
    hashes = [(user_hash, "users")] + [(erasure_hash(key, "families", family), "families") for family in family_ids]
    hashes += [(erasure_hash(key, "emails", pseudonym), "emails") for pseudonym in pseudonyms]
    already = user_hash in set(erased_hashes(target))
    _record(target, hashes, erasure.total)
    if not erasure.total:
        if already:
            print(f"Erasure: {label} was erased before; nothing left to remove.")
        else:
            print(f"Erasure: no trace of {label} in {target.describe()}; it is kept out of every later load.")
        return
    counts = ", ".join(f"{table} {count:,}" for table, count in sorted(erasure.rows.items()))
    print(
        f"Erasure: removed {erasure.total:,} rows of {label} and {erasure.families} owned "
        f"famil{'y' if erasure.families == 1 else 'ies'} ({counts}); rebuilding the marts."
    )
    try:
        build(target)  # publishes, and drops every older version of the marts
    except MarqueeError as exc:
        raise MarqueeError(
            f"erasure incomplete: the user's rows left raw and the ledger, but the rebuild failed ({exc}); "
            "the marts kept from before still hold them until a build succeeds: fix it and run `marquee build` "
            "(the freed space is scrubbed when an erasure completes)"
        ) from None
    target.scrub_free_space(touched)
    print("Erasure: published without the user; the freed space was scrubbed. Later loads leave them out.")
