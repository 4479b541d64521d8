"""Write, audit, publish: analysts never see a half-built or failing build.

Analysts read schema `marts`, which holds only views. A build writes the
rebuilt marts into a new schema `marts_v<version>` beside it (dbt var
`publish_version`), runs every test, and only when all passed switches each
view in `marts` to the new version in ONE transaction (DuckDB and PostgreSQL
both have transactional DDL). A failing test, a crash or a kill before that
commit leaves `marts` exactly as it was. Stateful relations (the reconcile
ledger, the master table, the media snapshot) are updated in place, only
after their audits pass on the staged rows (see macros/incremental/), and are
never published directly: each has a mart that copies it into the version
schema (show_history, master_shows, media_history), so every published view,
history included, changes at the switch and only then. After a successful
switch the older version schemas are dropped, and on PostgreSQL the analyst role's grants are (re)applied in the
same transaction, so they survive every switch.

A partial build (`marquee build --select`) rebuilds only some marts: before
the switch, each published mart it did not rebuild is copied as it is (its
rows; dbt's column comments are not copied) into the new version, so the new
version is again complete and the switch, the grants and the clean-up stay
the same. Marts never published are left out until a build makes them.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ingestion.errors import MarqueeError
from ingestion.settings import Target
from ingestion.warehouse import connect, placeholder, statement_cursor

log = logging.getLogger(__name__)

PUBLISHED_SCHEMA = "marts"
VERSION_SCHEMA_PREFIX = "marts_v"
OPS_SCHEMA = "ops"
MARTS_PATH = "models/marts/"


def new_version() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")


def version_schema(version: str) -> str:
    return f"{VERSION_SCHEMA_PREFIX}{version}"


def analyst_role() -> str:
    role = os.environ.get("MARQUEE_ANALYST_ROLE", "marquee_analyst")
    if not role.replace("_", "").isalnum():
        raise MarqueeError(f"MARQUEE_ANALYST_ROLE must be a plain identifier, not {role!r}")
    return role


@dataclass(frozen=True)
class Published:
    version: str
    views: list[str]
    carried_over: list[str] = field(default_factory=list)  # marts a partial build copied from the previous version


def published_relations(manifest_path: str | None = None) -> dict[str, tuple[str, str]]:
    """Every model under models/marts/: view name -> (schema, relation) it points at (its version schema)."""
    from ingestion.dbt import target_dir

    path = manifest_path or str(target_dir() / "manifest.json")
    with open(path) as handle:
        manifest = json.load(handle)
    relations = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["original_file_path"].startswith(MARTS_PATH):
            relations[node["alias"] or node["name"]] = (node["schema"], node["alias"] or node["name"])
    return relations


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def publish(target: Target, version: str, invocation_id: str | None, partial: bool = False) -> Published:
    """Switch every view in `marts` to `version` atomically; then drop older versions.

    `partial`: the build selected part of the project; complete the version first.
    """
    relations = published_relations()
    carried_over: list[str] = []
    with connect(target) as conn:
        cur = statement_cursor(conn, target)
        if partial:
            relations, carried_over = _complete_version(conn, cur, target, version, relations)
        if target.name == "duckdb":
            cur.execute("begin transaction")
        existing = _existing_views(cur, target)
        if target.name == "postgres":
            _lock_views(cur, existing)
        cur.execute(f"create schema if not exists {PUBLISHED_SCHEMA}")
        cur.execute(f"create schema if not exists {OPS_SCHEMA}")
        cur.execute(
            f"create table if not exists {OPS_SCHEMA}.publications "
            "(version varchar, published_at timestamp, invocation_id varchar, views integer)"
        )
        for name, (schema, relation) in sorted(relations.items()):
            view = f"{PUBLISHED_SCHEMA}.{_q(name)}"
            body = f"select * from {_q(schema)}.{_q(relation)}"
            if target.name == "postgres" and name in existing:
                # replacing keeps grants, but PostgreSQL refuses column changes: then drop and create
                cur.execute("savepoint replace_view")
                try:
                    cur.execute(f"create or replace view {view} as {body}")
                    cur.execute("release savepoint replace_view")
                except Exception:  # noqa: BLE001 - any refusal means the shape changed
                    cur.execute("rollback to savepoint replace_view")
                    cur.execute(f"drop view {view}")
                    cur.execute(f"create view {view} as {body}")
            else:
                cur.execute(f"create or replace view {view} as {body}")
        for name in sorted(set(existing) - set(relations)):
            cur.execute(f"drop view if exists {PUBLISHED_SCHEMA}.{_q(name)}")
        if target.name == "postgres":
            _grant_analyst(cur)
        marker = placeholder(target)
        cur.execute(
            f"insert into {OPS_SCHEMA}.publications values ({marker}, {marker}, {marker}, {marker})",
            (version, datetime.now(timezone.utc).replace(tzinfo=None), invocation_id, len(relations)),
        )
        conn.commit()
        _drop_old_versions(conn, cur, target, keep=version_schema(version))
    return Published(version, sorted(relations), sorted(carried_over))


def _complete_version(
    conn: Any, cur: Any, target: Target, version: str, relations: dict[str, tuple[str, str]]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """After a partial build: copy each published mart it did not rebuild into the new version.

    Returns the relations to publish (those that exist now) and the names copied.
    """
    schema = version_schema(version)
    cur.execute("select table_schema, table_name from information_schema.tables")
    existing = {(row[0], row[1]) for row in cur.fetchall()}
    published = set(_existing_views(cur, target))
    complete: dict[str, tuple[str, str]] = {}
    copied: list[str] = []
    for name, (relation_schema, relation) in sorted(relations.items()):
        if (relation_schema, relation) not in existing:
            if relation_schema != schema or name not in published:
                continue  # never built yet: published by the first build that makes it
            cur.execute(f"create schema if not exists {_q(schema)}")
            cur.execute(
                f"create table {_q(schema)}.{_q(relation)} as select * from {PUBLISHED_SCHEMA}.{_q(name)}"
            )
            copied.append(name)
        complete[name] = (relation_schema, relation)
    conn.commit()
    return complete, copied


def discard(target: Target, version: str) -> None:
    """Drop an unpublished version's schema (after a failed build)."""
    with connect(target) as conn:
        cur = statement_cursor(conn, target)
        cur.execute(f"drop schema if exists {_q(version_schema(version))} cascade")
        conn.commit()
        cur.close()


def _existing_views(cur: Any, target: Target) -> list[str]:
    cur.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' and table_type = 'VIEW'"
    )
    return [row[0] for row in cur.fetchall()]


def _lock_views(cur: Any, views: list[str], attempts: int = 600) -> None:
    """Take every published view's lock at once, never waiting while holding one.

    Readers lock the views their query names one after the other; a publisher
    that waited for them while already holding other views could deadlock
    with them. NOWAIT and retry: the switch happens between readers' queries.
    """
    if not views:
        return
    import psycopg2

    names = ", ".join(f"{PUBLISHED_SCHEMA}.{_q(view)}" for view in sorted(views))
    for _ in range(attempts):
        cur.execute("savepoint lock_views")
        try:
            cur.execute(f"lock table {names} in access exclusive mode nowait")
            cur.execute("release savepoint lock_views")
            return
        except psycopg2.errors.LockNotAvailable:
            cur.execute("rollback to savepoint lock_views")
            time.sleep(0.05)
    raise MarqueeError("could not publish: readers kept the marts views locked for 30 s; try again")


def _grant_analyst(cur: Any) -> None:
    role = analyst_role()
    cur.execute(
        "do $$ begin "
        f"if not exists (select from pg_roles where rolname = '{role}') then create role {role} nologin; end if; "
        "end $$"
    )
    cur.execute(f"grant usage on schema {PUBLISHED_SCHEMA} to {role}")
    cur.execute(f"grant select on all tables in schema {PUBLISHED_SCHEMA} to {role}")
    cur.execute(f"alter default privileges in schema {PUBLISHED_SCHEMA} grant select on tables to {role}")


def _drop_old_versions(conn: Any, cur: Any, target: Target, keep: str) -> None:
    cur.execute(
        f"select schema_name from information_schema.schemata where schema_name like {placeholder(target)}",
        (VERSION_SCHEMA_PREFIX + "%",),
    )
    for (schema,) in cur.fetchall():
        if schema != keep:
            cur.execute(f"drop schema if exists {_q(schema)} cascade")
    conn.commit()
