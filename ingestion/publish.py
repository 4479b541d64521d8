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
switch the older version schemas are dropped, and on PostgreSQL the analyst
role's grants are (re)applied in the same transaction, so they survive every
switch.

A partial build (`marquee build --select`) rebuilds only some marts: before
the switch, each published mart it did not rebuild is copied as it is (its
rows; dbt's column comments are not copied) into the new version, so the new
version is again complete and the switch, the grants and the clean-up stay
the same. Marts never published are left out until a build makes them.

Domains (the folders of models/marts/: shows, media, app) publish
independently: when a build's failures touch a domain (one of its marts, or
anything a mart depends on, failed or was skipped, or a test on any of those
failed), that domain keeps its last published version (copied into the new
version like an unselected mart) and is recorded as stale in
`ops.stale_domains`, while the other domains publish; a build whose failures
touch every domain publishes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
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
    stale: dict[str, str] = field(default_factory=dict)  # domain -> since when its published marts are stale


def _manifest(manifest_path: str | None = None) -> dict[str, Any]:
    from ingestion.dbt import target_dir

    with open(manifest_path or str(target_dir() / "manifest.json")) as handle:
        return json.load(handle)


def _is_mart(node: dict[str, Any]) -> bool:
    return node["resource_type"] == "model" and node["original_file_path"].startswith(MARTS_PATH)


def _domain(node: dict[str, Any]) -> str:
    """A mart's domain: its folder under models/marts/."""
    return node["original_file_path"][len(MARTS_PATH) :].split("/")[0]


def domains() -> set[str]:
    """Every domain of the project's marts."""
    return set(mart_domains(_manifest()).values())


def mart_domains(manifest: dict[str, Any]) -> dict[str, str]:
    """Every mart (view name) -> its domain."""
    return {node["alias"] or node["name"]: _domain(node) for node in manifest["nodes"].values() if _is_mart(node)}


def failed_domains(failed: set[str], manifest_path: str | None = None) -> dict[str, list[str]]:
    """The domains a build's failed nodes touch -> the names of the failed nodes that touch them.

    A mart is touched when it, or any node it depends on (transitively), is among
    `failed`, or when a failed test tests any of those."""
    manifest = _manifest(manifest_path)
    nodes = manifest["nodes"]
    parents = manifest.get("parent_map", {})
    failed_tests = {uid: set(nodes[uid]["depends_on"]["nodes"]) for uid in failed if uid in nodes and
                    nodes[uid]["resource_type"] == "test"}  # fmt: skip
    touched: dict[str, list[str]] = {}
    for uid, node in nodes.items():
        if not _is_mart(node):
            continue
        lineage, todo = set(), [uid]
        while todo:
            current = todo.pop()
            if current not in lineage:
                lineage.add(current)
                todo.extend(parents.get(current, []))
        causes = [nodes[f]["name"] for f in failed if f in lineage and f in nodes and nodes[f]["resource_type"] != "test"]
        causes += [nodes[t]["name"] for t, tested in failed_tests.items() if tested & lineage]
        if causes:
            listed = touched.setdefault(_domain(node), [])
            listed += [cause for cause in sorted(causes) if cause not in listed]
    return touched


def published_relations(manifest_path: str | None = None) -> dict[str, tuple[str, str]]:
    """Every model under models/marts/: view name -> (schema, relation) it points at (its version schema)."""
    return {
        node["alias"] or node["name"]: (node["schema"], node["alias"] or node["name"])
        for node in _manifest(manifest_path)["nodes"].values()
        if _is_mart(node)
    }


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def publish(
    target: Target, version: str, invocation_id: str | None, partial: bool = False, stale: Iterable[str] = ()
) -> Published:
    """Switch every view in `marts` to `version` atomically; then drop older versions.

    `partial`: the build selected part of the project; complete the version first.
    `stale`: domains whose marts keep their published version (their tests failed).
    """
    relations = published_relations()
    domain_of = mart_domains(_manifest())
    keep = {name for name in relations if domain_of.get(name) in set(stale)}
    carried_over: list[str] = []
    with connect(target) as conn:
        cur = statement_cursor(conn, target)
        if partial or keep:
            relations, carried_over = _complete_version(conn, cur, target, version, relations, keep)
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
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        cur.execute(
            f"insert into {OPS_SCHEMA}.publications values ({marker}, {marker}, {marker}, {marker})",
            (version, now, invocation_id, len(relations)),
        )
        since = _record_stale(cur, target, version, now, sorted(set(stale)))
        conn.commit()
        _drop_old_versions(conn, cur, target, keep=version_schema(version))
    return Published(version, sorted(relations), sorted(carried_over), since)


def _record_stale(cur: Any, target: Target, version: str, now: datetime, domains: list[str]) -> dict[str, str]:
    """Note each stale domain of this publication with the time its marts were last published good."""
    marker = placeholder(target)
    cur.execute(
        f"create table if not exists {OPS_SCHEMA}.stale_domains "
        "(version varchar, domain varchar, last_good_at timestamp)"
    )
    cur.execute(
        f"select version, published_at from {OPS_SCHEMA}.publications where version <> {marker} "
        "order by published_at desc limit 1",
        (version,),
    )
    previous = cur.fetchone()
    since: dict[str, str] = {}
    for domain in domains:
        last_good = None
        if previous:
            cur.execute(
                f"select last_good_at from {OPS_SCHEMA}.stale_domains where version = {marker} and domain = {marker}",
                (previous[0], domain),
            )
            row = cur.fetchone()
            last_good = row[0] if row else previous[1]
        cur.execute(
            f"insert into {OPS_SCHEMA}.stale_domains values ({marker}, {marker}, {marker})", (version, domain, last_good)
        )
        since[domain] = f"{last_good:%Y-%m-%d %H:%M:%S} UTC" if last_good else "never published"
    return since


def _complete_version(
    conn: Any,
    cur: Any,
    target: Target,
    version: str,
    relations: dict[str, tuple[str, str]],
    keep: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Copy into the new version each published mart it did not rebuild (a partial build),
    and each mart in `keep` (whatever the build made of it): they stay as published.

    Returns the relations to publish (those that exist now) and the names copied.
    """
    schema = version_schema(version)
    cur.execute("select table_schema, table_name, table_type from information_schema.tables")
    existing = {(row[0], row[1]): row[2] for row in cur.fetchall()}
    published = set(_existing_views(cur, target))
    complete: dict[str, tuple[str, str]] = {}
    copied: list[str] = []
    for name, (relation_schema, relation) in sorted(relations.items()):
        if name in keep and (relation_schema, relation) in existing:
            kind = "view" if existing[relation_schema, relation] == "VIEW" else "table"
            cur.execute(f"drop {kind} if exists {_q(relation_schema)}.{_q(relation)} cascade")
            del existing[relation_schema, relation]
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
