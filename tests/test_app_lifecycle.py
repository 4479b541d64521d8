"""The app's data lifecycle on both warehouse targets: every load kept, deletions
seen and cascaded as the app's foreign keys do, raw pruned to the newest loads
without changing a single built row.

The oracle for the cascade is the app itself: a warehouse that receives an
export the app made after deleting a user, a media item and a membership (its
cascades already applied, `app_cascade` below) must publish the same app marts
as one that first saw the full export and then an export lacking only those
three rows (the children still there): Marquee applies the cascade itself."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests import app_dataset as app
from tests.conftest import Warehouse, WarehouseTemplates, fresh_postgres_database, write_feed
from tests.test_app_pipeline import (
    PII_KEY,
    _pg_url,
    assert_every_raw_row_accounted_for,
    land_one_show,
    warehouse_text,
)
from tests.test_shows_backfill import state as backfill_state
from tests.test_shows_pipeline import FEED_A, FEED_B, FEED_C, build, land

# What the app deletes: dave (u4, who owns family f2), Breaking Bad (m3) and bob's membership of f1.
DELETED_USERS = {"u4"}
DELETED_MEDIA = {"m3"}
DELETED_MEMBERSHIPS = {"fm2"}
# user-referencing and family-referencing columns of the app's foreign keys (all ON DELETE CASCADE)
USER_COLUMNS = ("userId", "ownerId", "invitedById", "fromUserId", "toUserId")

APP_MARTS = (
    "users", "watchlist_entries", "user_media_reactions", "families", "family_members", "family_invitations",
    "family_watch_candidates", "recommendations", "media_engagement", "rejected_app_rows",
)
VOLATILE_COLUMNS = {"rejected_row_id", "load_id", "extracted_at"}  # differ between two warehouses


@pytest.fixture(autouse=True)
def _app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARQUEE_PII_KEY", PII_KEY)
    monkeypatch.setenv("MARQUEE_AS_OF", app.AS_OF)


def without_deleted_rows(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The export after the deletions, where the app did not cascade (children kept)."""
    drop = {"users": DELETED_USERS, "media_items": DELETED_MEDIA, "family_memberships": DELETED_MEMBERSHIPS}
    return {name: [row for row in rows if row["id"] not in drop.get(name, set())] for name, rows in tables.items()}


def app_cascade(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The export the app makes after the deletions: its ON DELETE CASCADE applied."""
    tables = without_deleted_rows(tables)
    families = {row["id"] for row in tables["families"] if row["ownerId"] in DELETED_USERS}

    def kept(row: dict[str, Any]) -> bool:
        return not (
            any(row.get(column) in DELETED_USERS for column in USER_COLUMNS)
            or row.get("mediaItemId") in DELETED_MEDIA
            or row.get("familyId") in families
            or row["id"] in families
        )

    return {name: [row for row in rows if kept(row)] for name, rows in tables.items()}


def app_marts(w: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    """Every app mart (and the app's rows of media_availability), sorted, without per-warehouse columns."""
    marts: dict[str, list[tuple[Any, ...]]] = {}
    for mart in APP_MARTS + ("media_availability",):
        columns = [
            name for (name,) in w.sql(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? order by ordinal_position", (mart,)
            ) if name not in VOLATILE_COLUMNS
        ]
        where = " where source = 'app'" if mart == "media_availability" else ""
        rows = w.sql(f"select {', '.join(columns)} from marts.{mart}{where}")
        marts[mart] = sorted((tuple(row) for row in rows), key=repr)
    return marts


def cascaded_export_marts(templates: WarehouseTemplates, kind: str) -> dict[str, list[tuple[Any, ...]]]:
    """The app marts of a warehouse that only ever saw the app's own cascaded export (built once)."""

    def setup(w: Warehouse, directory: Path) -> dict[str, list[tuple[Any, ...]]]:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("MARQUEE_PII_KEY", PII_KEY)
            env.setenv("MARQUEE_AS_OF", app.AS_OF)
            land_one_show(w, directory)
            landed = w.marquee("ingest", "app", "--source", app.write_export(directory / "export", app_cascade(app.TABLES)))
            assert landed.code == 0, landed.err
            build(w)
            return app_marts(w)

    return templates.value(kind, "app-cascaded-export", setup)


def deletion_ledger(w: Warehouse) -> list[tuple[Any, ...]]:
    return sorted(
        tuple(row) for row in w.sql(
            "select source_table, row_id, load_id, deleted_at from intermediate.int_app_row_deletions"
        )
    )


def deletion_counts(w: Warehouse) -> dict[str, tuple[int, int]]:
    return {
        table: (deleted, with_parent)
        for table, deleted, with_parent in w.sql(
            "select source_table, rows_deleted, rows_deleted_with_parent from marts.app_deletions"
        )
    }


# Deleting u4, m3 and fm2 takes with it, as the app's cascades do:
# u4's profile p4, entries w9 w16, membership fm6 (of f1), recommendation rec3 (to u4),
# family f2 (owned), and through f2 its memberships fm4 fm5 and invitations i4 i5; m3's entries w6 w7 w8 w18,
# reaction r3, provider s3 and recommendation rec6.
EXPECTED_COUNTS = {
    "users": (1, 0), "profiles": (0, 1), "media_items": (1, 0), "watchlist_entries": (0, 6),
    "reactions": (0, 1), "streaming_providers": (0, 1), "families": (0, 1), "family_memberships": (1, 3),
    "family_invitations": (0, 2), "recommendations": (0, 2),
}


# ---- raw stays bounded ------------------------------------------------------------

# Five show feeds (each lists every show: A, B, C, B again with M6 withdrawn, C again with it back)
# and five app exports (the second and later lack u4, m3 and fm2).
SHOW_FEEDS = [
    (FEED_A, "2026-12-01T00:00:00Z"),
    (FEED_B, "2026-12-02T00:00:00Z"),
    (FEED_C, "2026-12-03T00:00:00Z"),
    (FEED_B, "2026-12-04T00:00:00Z"),
    (FEED_C, "2026-12-04T12:00:00Z"),
]


def land_feed_and_export(w: Warehouse, directory: Path, number: int) -> None:
    records, fetched_at = SHOW_FEEDS[number]
    land(w, directory, f"feed-{number}.json", records, fetched_at)
    tables = app.TABLES if number == 0 else without_deleted_rows(app.TABLES)
    landed = w.marquee("ingest", "app", "--source", app.write_export(directory / f"export-{number}", tables))
    assert landed.code == 0, landed.err


def everything_built(w: Warehouse) -> dict[str, Any]:
    """Every row a build decides (shows without load ids, which follow the landing clock) and the app marts."""
    return {**backfill_state(w), **app_marts(w), "deletions": deletion_counts(w)}


UNPRUNED = "five-loads-unpruned"


def five_loads_unpruned(w: Warehouse, directory: Path) -> dict[str, Any]:
    """The five feeds and exports landed and built on a warehouse that keeps every load."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MARQUEE_PII_KEY", PII_KEY)
        env.setenv("MARQUEE_AS_OF", app.AS_OF)
        env.setenv("MARQUEE_KEEP_LOADS", "0")
        for number in range(len(SHOW_FEEDS)):
            land_feed_and_export(w, directory, number)
        build(w)
        assert w.scalar("select count(distinct _dlt_load_id) from raw.shows") == 5
        return everything_built(w)


def unpruned_state(templates: WarehouseTemplates, kind: str) -> dict[str, Any]:
    return templates.value(kind, UNPRUNED, five_loads_unpruned)


class TestLifecycle:
    """One unit of work (one worker): the unpruned and the cascaded warehouses are built once per engine."""

    def test_an_export_lacking_rows_deletes_them_and_their_children(
        self, warehouse: Warehouse, warehouse_templates: WarehouseTemplates
    ) -> None:
        # five feeds and exports, built once: the first export full, the four after it lacking u4, m3 and fm2
        warehouse_templates.restore(warehouse, UNPRUNED, five_loads_unpruned)

        # every export is kept, each a load of its own
        loads = [load for (load,) in warehouse.sql("select distinct _dlt_load_id from raw.app_users order by 1")]
        assert len(loads) == 5
        assert warehouse.scalar("select count(*) from raw.app_users") == 6 + 4 * 5
        # deleted when the first export that lacked them was taken (UTC), and only then
        extracted = warehouse.scalar("select max(_extracted_at) from raw.app_users where _dlt_load_id = ?", (loads[1],))
        deleted_at = extracted.astimezone(timezone.utc).replace(tzinfo=None)
        assert deletion_ledger(warehouse) == [
            ("family_memberships", "fm2", loads[1], deleted_at),
            ("media_items", "m3", loads[1], deleted_at),
            ("users", "u4", loads[1], deleted_at),
        ]
        assert deletion_counts(warehouse) == EXPECTED_COUNTS
        assert app_marts(warehouse) == cascaded_export_marts(warehouse_templates, warehouse.target.name)
        assert_every_raw_row_accounted_for(warehouse)  # superseded, deleted, cascaded: none dropped silently

        status = warehouse.marquee("status")
        assert "  users                       1 deleted        0 with their parent" in status.out
        assert "  watchlist_entries           0 deleted        6 with their parent" in status.out

    @pytest.mark.postgres
    def test_the_database_path_sees_hard_deletes(
        self, warehouse: Warehouse, warehouse_templates: WarehouseTemplates, tmp_path: Path, postgres_server
    ) -> None:
        land_one_show(warehouse, tmp_path)
        with fresh_postgres_database(postgres_server) as name:
            conn = psycopg2.connect(**{**postgres_server, "dbname": name})
            app.create_postgres_app_db(conn)
            url = _pg_url(postgres_server, name)
            first = warehouse.marquee("ingest", "app", "--source", url)
            assert first.code == 0, first.err
            # the app deletes (this test database has no foreign keys: the children stay, Marquee cascades)
            cur = conn.cursor()
            cur.execute("delete from users where id = 'u4'")
            cur.execute("delete from media_items where id = 'm3'")
            cur.execute("delete from family_memberships where id = 'fm2'")
            conn.commit()
            second = warehouse.marquee("ingest", "app", "--source", url)
            assert second.code == 0, second.err
            conn.close()
        # nothing changed behind the cursors: the second load re-read the three cursor-less tables only,
        # and the key snapshot of every table
        loads = [load for (load,) in warehouse.sql("select distinct _dlt_load_id from raw.app_row_keys order by 1")]
        assert len(loads) == 2
        assert warehouse.scalar("select count(*) from raw.app_users") == 5
        assert warehouse.scalar(
            "select count(*) from raw.app_row_keys where _dlt_load_id = ? and table_name = 'users' and id is not null",
            (loads[1],),
        ) == 4

        # a landing killed between two tables' jobs: rows of a load dlt never completed (a later load
        # id than any): were it taken for a snapshot, every user but u1 would read as deleted
        with warehouse.target.transaction() as cur:
            marker = warehouse.target.placeholder
            for row_id in (None, "u1"):
                cur.execute(
                    "insert into raw.app_row_keys (table_name, id, _extracted_at, _source, _dlt_load_id, _dlt_id) "
                    f"values ('users', {marker}, current_timestamp, 'killed', '9999999999.5', {marker})",
                    (row_id, f"killed-{row_id}"),
                )

        build(warehouse)  # one build reconciles both loads
        assert [row[:3] for row in deletion_ledger(warehouse)] == [
            ("family_memberships", "fm2", loads[1]), ("media_items", "m3", loads[1]), ("users", "u4", loads[1]),
        ]
        assert deletion_counts(warehouse) == EXPECTED_COUNTS
        expected = cascaded_export_marts(warehouse_templates, warehouse.target.name)
        got = app_marts(warehouse)
        # the export carried two rows a database cannot hold (a null id): quarantined there, absent here
        expected_rejected = [row for row in expected.pop("rejected_app_rows") if row[1] is not None]
        assert got.pop("rejected_app_rows") == expected_rejected
        assert got == expected


    def test_builds_keep_three_loads_and_decide_the_same_rows(
        self, warehouse: Warehouse, warehouse_templates: WarehouseTemplates, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.delenv("MARQUEE_KEEP_LOADS")  # the default: 3
        for number in range(4):
            land_feed_and_export(warehouse, tmp_path, number)
        out = build(warehouse)
        # the oldest of four processed loads of each source goes: feed A's 12 raw records, its 7
        # accepted and duplicate records (its 5 rejected ones stay for rejected_shows), and the first
        # export's 67 rows and 75 key rows (10 markers, 65 ids): its rows are all superseded or deleted
        assert "Pruned 2 raw loads (161 rows" in out, out
        land_feed_and_export(warehouse, tmp_path, 4)
        out = build(warehouse)
        assert "Pruned 2 raw loads" in out, out
        # four identical exports after the deletions: each deletion was seen once
        assert [row[:2] for row in deletion_ledger(warehouse)] == [
            ("family_memberships", "fm2"), ("media_items", "m3"), ("users", "u4"),
        ]

        assert warehouse.scalar("select count(distinct _dlt_load_id) from raw.shows") == 3
        assert warehouse.scalar("select count(distinct _dlt_load_id) from raw.app_users") == 3
        assert warehouse.scalar("select count(distinct _dlt_load_id) from raw.app_row_keys") == 3
        assert warehouse.scalar(
            "select count(distinct load_id) from intermediate.int_show_records_validated where record_status <> 'rejected'"
        ) == 3
        # rejected records stay (rejected_shows lists them: compared below); dlt's load log is as dlt wrote it
        assert warehouse.scalar("select count(*) from raw._dlt_loads where schema_name = 'shows'") == 5
        assert warehouse.sql("select source, count(*) from ops.pruned_loads group by source order by 1") == [
            ("app", 2), ("shows", 2)
        ]
        assert everything_built(warehouse) == unpruned_state(warehouse_templates, warehouse.target.name)

        # pruning again finds nothing; the numbers are in ops.prunes
        again = warehouse.marquee("prune", "--keep", "3")
        assert again.code == 0, again.err
        assert "Pruned 0 raw loads (0 rows, 0.0 MiB), keeping 3 processed loads per source." in again.out

        # a back-fill older than a pruned feed is refused with one line; a newer one still reconciles
        refused = warehouse.marquee(
            "ingest", "shows", "--source", write_feed(tmp_path / "late.json", FEED_B),
            "--fetched-at", "2026-12-01T12:00:00Z",
        )
        assert refused.code == 1
        assert refused.err.strip().count("\n") == 0
        assert "before raw loads that were already pruned" in refused.err
        assert warehouse.scalar("select count(distinct _dlt_load_id) from raw.shows") == 3
        land(warehouse, tmp_path, "late-ok.json", FEED_A, "2026-12-03T06:00:00Z")
        out = build(warehouse)
        assert "Reconciled 3 loads" in out, out  # the back-fill and the two feeds fetched after it


# ---- right to erasure -------------------------------------------------------------

# dave (u4) under an id, handle and email no other byte of the warehouse could contain by chance:
# he owns family f2, is a member of f1, was invited to f1 by email, and received a recommendation
ERASED_ID = "usr-dave-5e1f0c2a9b"
ERASED_USERNAME = "dave-erasable-handle"
ERASED_EMAIL = "dave@example.com"


def with_erasable_user(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    def rename(row: dict[str, Any]) -> dict[str, Any]:
        row = {key: (ERASED_ID if value == "u4" else value) for key, value in row.items()}
        if row.get("id") == ERASED_ID:
            row["username"] = ERASED_USERNAME
        return row

    return {name: [rename(row) for row in rows] for name, rows in tables.items()}


def assert_no_trace(w: Warehouse, pseudonym: str) -> None:
    _, values = warehouse_text(w)
    blob = "\n".join(values)
    assert [trace for trace in (ERASED_ID, ERASED_USERNAME, pseudonym) if trace in blob] == []
    if w.target.name == "duckdb":  # the file's bytes too: deleted rows must not linger in free blocks
        for path in (w.target.path, w.target.path.with_name(w.target.path.name + ".wal")):
            if path.exists():
                data = path.read_bytes()
                assert [t for t in (ERASED_ID, ERASED_USERNAME, pseudonym) if t.encode() in data] == [], path


class TestErasure:
    def test_erase_user_leaves_no_trace_and_keeps_them_out(
        self, warehouse: Warehouse, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        tables = with_erasable_user(app.TABLES)
        land_one_show(warehouse, tmp_path)
        first = warehouse.marquee("ingest", "app", "--source", app.write_export(tmp_path / "export-1", tables))
        assert first.code == 0, first.err
        build(warehouse)
        assert warehouse.scalar("select count(*) from marts.users where user_id = ?", (ERASED_ID,)) == 1
        pseudonym = warehouse.scalar("select email_pseudonym from raw.app_users where id = ?", (ERASED_ID,))
        assert warehouse.scalar("select count(*) from raw.app_family_invitations where email_pseudonym = ?",
                                (pseudonym,)) == 1
        unpublished = warehouse.marquee("ingest", "app", "--source", app.write_export(tmp_path / "export-2", tables))
        assert unpublished.code == 0  # a second load of him, not built yet: erased too

        erased = warehouse.marquee("erase", "user", ERASED_ID)
        assert erased.code == 0, erased.err
        # his row, profile p4, entries w9 w16, membership fm6 of f1, invitation i1 to his email,
        # recommendation rec3, family f2 with memberships fm4 fm5 and invitations i4 i5: in both loads
        # (12 rows per load, and their 12 key-snapshot rows)
        assert "Erasure: removed 48 rows of user " in erased.out, erased.out
        assert "and 1 owned family (app_families 2, app_family_invitations 6, app_family_memberships 6, " \
            "app_profiles 2, app_recommendations 2, app_row_keys 24, app_users 2, app_watchlist_entries 4)" in erased.out
        for text in (erased.out, erased.err, caplog.text):
            assert ERASED_ID not in text and ERASED_USERNAME not in text
        assert warehouse.scalar("select count(*) from marts.users where user_id = ?", (ERASED_ID,)) == 0
        assert sorted(row[0] for row in warehouse.sql("select family_id from marts.families")) == ["f1"]
        assert warehouse.sql("select user_id from marts.family_members order by 1") == [("u1",), ("u2",), ("u3",)]
        assert_no_trace(warehouse, pseudonym)
        kinds = warehouse.sql("select kind, count(*) from ops.app_erasures group by kind order by kind")
        assert kinds == [("emails", 1), ("families", 1), ("users", 1)]

        # the app still exports him: he stays out
        again = warehouse.marquee("ingest", "app", "--source", app.write_export(tmp_path / "export-3", tables))
        assert again.code == 0, again.err
        assert "Landed 55 app rows" in again.out and "12 rows of erased users left out" in again.out, again.out
        assert_no_trace(warehouse, pseudonym)  # raw included: nothing of him landed

        second = warehouse.marquee("erase", "user", ERASED_ID)
        assert second.code == 0 and "was erased before; nothing left to remove" in second.out, second.out
        unknown = warehouse.marquee("erase", "user", "usr-never-seen")
        assert unknown.code == 0 and "no trace of user" in unknown.out, unknown.out
        assert warehouse.scalar("select count(*) from ops.app_erasures where kind = 'users'") == 2


def test_pruning_keeps_the_latest_tmdb_payload_of_every_title(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_tmdb_pipeline import FAST_CLIENT, FEED as TMDB_FEED

    for name, value in FAST_CLIENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TMDB_API_READ_TOKEN", raising=False)
    monkeypatch.delenv("TMDB_API_KEY", raising=False)
    monkeypatch.setenv("MARQUEE_TMDB_REFRESH_DAYS", "0")  # every fetch fetches every title again
    land(warehouse, tmp_path, "feed.json", TMDB_FEED, "2026-12-01T00:00:00Z")
    build(warehouse)
    for _ in range(2):  # the bundled recordings, twice: two payloads of each title, in loads of 3
        fetched = warehouse.marquee("ingest", "tmdb")
        assert fetched.code == 0, fetched.err
    build(warehouse)
    titles = warehouse.scalar("select count(distinct media_type || cast(tmdb_id as varchar)) from raw.tmdb_titles")
    assert titles > 0 and warehouse.scalar("select count(*) from raw.tmdb_titles") == 2 * titles
    newest = sorted(warehouse.sql(
        "select media_type, tmdb_id, max(fetched_at) from raw.tmdb_titles group by 1, 2"
    ))
    media = warehouse.sql("select * from marts.media order by media_id")
    history = warehouse.sql("select * from marts.media_history order by 1, 2")

    pruned = warehouse.marquee("prune", "--keep", "1")
    assert pruned.code == 0, pruned.err
    # one payload per title is left, the latest, although all but the newest load were pruned
    assert sorted(warehouse.sql("select media_type, tmdb_id, fetched_at from raw.tmdb_titles")) == newest
    assert f"({titles} rows" in pruned.out, pruned.out
    build(warehouse)
    assert warehouse.sql("select * from marts.media order by media_id") == media
    assert warehouse.sql("select * from marts.media_history order by 1, 2") == history


def test_pruning_keeps_only_the_change_list_rows_the_work_list_can_read(
    duckdb_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """raw.tmdb_changes stays bounded: a change row goes once the title was fetched again after
    it (or never counted), a title whose refetch keeps failing keeps its row, and the markers of
    windows before the last covered one go; the work list and the change window are unchanged.
    (DuckDB: the SQL is portable; the TMDB pruning test above runs it on PostgreSQL too.)"""
    from tests.fakes.tmdb_server import FakeTmdb
    from tests.test_tmdb_pipeline import CANARY, FAST_CLIENT, FEED as TMDB_FEED

    warehouse = duckdb_warehouse
    for name, value in FAST_CLIENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TMDB_API_READ_TOKEN", raising=False)
    with FakeTmdb(token=CANARY) as tmdb:
        monkeypatch.setenv("TMDB_API_BASE_URL", tmdb.base_url)
        monkeypatch.setenv("TMDB_API_KEY", CANARY)
        land(warehouse, tmp_path, "feed.json", TMDB_FEED, "2026-12-01T00:00:00Z")
        build(warehouse)
        assert warehouse.marquee("ingest", "tmdb").code == 0  # the first window (14 days), every title
        with warehouse.target.transaction() as cur:  # two days later
            cur.execute("update raw.tmdb_fetch_log set attempted_at = attempted_at - interval '2 days'")
            cur.execute("update raw.tmdb_changes set window_start = window_start - interval '2 days', "
                        "window_end = window_end - interval '2 days'")  # fmt: skip
        # the lists name Inception (refetched) and Ocean's Eleven (whose refetch fails)
        tmdb.changes["movie"] = [27205, 161]
        tmdb.fail_always("/3/movie/161", "500")
        assert warehouse.marquee("ingest", "tmdb").code == 0
        build(warehouse)  # the loads are processed
    changes = "select media_type, tmdb_id, window_end from raw.tmdb_changes order by 1, 2 nulls first, 3"
    before = warehouse.sql(changes)
    assert [(kind, tmdb_id) for kind, tmdb_id, _ in before if tmdb_id] == [("movie", 161), ("movie", 27205)]
    assert len({end for _, tmdb_id, end in before if tmdb_id is None}) == 2  # two windows read
    work_list = warehouse.sql("select * from intermediate.int_tmdb_work_list order by 3")
    window = warehouse.sql("select * from intermediate.int_tmdb_change_window")
    # still to fetch: Ocean's Eleven (changed, its refetch failed) and the title TMDB does not know
    assert [row[2] for row in work_list] == ["No Such Film Anywhere", "Ocean's Eleven"]

    pruned = warehouse.marquee("prune", "--keep", "1")
    assert pruned.code == 0, pruned.err
    last_end = max(end for _, _, end in before)
    assert warehouse.sql(changes) == [
        ("movie", None, last_end), ("movie", 161, last_end), ("tv", None, last_end),
    ]  # Inception's row (fetched again since) and the first window's markers went
    assert warehouse.sql("select * from intermediate.int_tmdb_work_list order by 3") == work_list
    assert warehouse.sql("select * from intermediate.int_tmdb_change_window") == window
    assert warehouse.marquee("prune", "--keep", "1").code == 0  # a second prune removes nothing more
    assert len(warehouse.sql(changes)) == 3
