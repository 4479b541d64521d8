"""The watch-list app end to end on both warehouse targets: land the small
hand-checked dataset of tests/app_dataset.py (as a JSON Lines export, and from
a PostgreSQL app database created here), build, and assert exact mart values,
the quarantine, incremental re-loads and that no secret reaches the warehouse."""

from __future__ import annotations

import base64
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests import app_dataset as app
from tests.conftest import Warehouse, fresh_postgres_database, write_feed

PII_KEY = "test-pii-key"


@pytest.fixture(autouse=True)
def _app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARQUEE_PII_KEY", PII_KEY)
    monkeypatch.setenv("MARQUEE_AS_OF", app.AS_OF)


def land_one_show(w: Warehouse, tmp_path: Path) -> None:
    """`dbt build` needs every source landed; one show record stands in for the show feeds."""
    record = {"movie_showTime": "2026-12-05T18:00:00Z", "screen_name": "1", "movie_ID": "M1", "cinema_id": 1}
    result = w.marquee("ingest", "shows", "--source", write_feed(tmp_path / "feed.json", [record]))
    assert result.code == 0, result.err


def build(w: Warehouse) -> None:
    result = w.marquee("build")
    assert result.code == 0, result.err + result.out


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


# ---- expected marts, worked out by hand from tests/app_dataset.py -------------

USERS = {
    # user: (signup_at, country, locale, has_profile, entries, completed, reactions, families)
    "u1": (ts("2026-01-10 09:00"), "FR", "fr-FR", True, 3, 1, 2, 1),
    "u2": (ts("2026-02-01 11:30"), "US", "en-US", True, 4, 0, 1, 2),
    "u3": (ts("2026-03-05 08:00"), "DE", "de-DE", True, 3, 1, 1, 1),
    "u4": (ts("2026-04-01 20:00"), "FR", "fr-FR", True, 2, 0, 0, 1),
    "u5": (ts("2026-04-02 20:00"), None, None, False, 0, 0, 0, 0),
}
CANDIDATES = [
    # family, media, tmdb_id, interested, high, priority score, rank
    ("f1", "m1", 693134, 3, 1, 6, 1),
    ("f1", "m4", 496243, 2, 1, 5, 2),
    ("f2", "m2", 872585, 2, 2, 6, 1),
    ("f2", "m4", 496243, 2, 0, 4, 2),
]
INVITATIONS = {
    "i1": ("accepted", "u4"),
    "i2": ("expired", None),
    "i3": ("pending", None),
    "i4": ("revoked", "u5"),
    "i5": ("declined", None),
}
ENGAGEMENT = {
    # media: (adds, completed, completion rate, ratings, avg rating, reactions, score, recs, accepted, rate)
    "m1": (3, 0, 0.0, 0, None, 1, 0, 1, 0, None),
    "m2": (3, 1, 0.3333, 1, 9.0, 2, 3, 3, 2, 0.6667),
    "m3": (3, 1, 0.3333, 1, 8.0, 1, -1, 0, 0, None),
    "m4": (3, 0, 0.0, 0, None, 0, 0, 0, 0, None),
}
AVAILABILITY = [
    ("m1", 693134, "movie", "netflix", "CA"),
    ("m1", 693134, "movie", "netflix", "US"),
    ("m1", 693134, "movie", "prime_video", "GB"),
    ("m3", 1396, "tv", "netflix", "FR"),
    ("m3", 1396, "tv", "netflix", "GB"),
    ("m3", 1396, "tv", "netflix", "US"),
]
REJECTED = [
    ("families", "f9", "orphan owner_id"),
    ("family_invitations", "i6", "orphan family_id"),
    ("family_invitations", "i7", "unknown status"),
    ("family_memberships", "fm6", "unknown role"),
    ("media_items", "m9", "unknown tmdb_type"),
    ("profiles", "p9", "orphan user_id"),
    ("reactions", "r5", "unknown rating"),
    ("recommendations", "rec5", "orphan to_user_id"),
    ("recommendations", "rec6", "unknown status"),
    ("streaming_providers", "s5", "orphan media_item_id"),
    ("watchlist_entries", "w10", "unknown status"),
    ("watchlist_entries", "w11", "rating outside 1-10"),
    ("watchlist_entries", "w12", "orphan user_id"),
    ("watchlist_entries", "w13", "orphan media_item_id"),
    ("watchlist_entries", "w14", "orphan media_item_id"),
    ("watchlist_entries", "w18", "duplicate user_id and media_item_id"),
]
# Rows only an export can carry (a database primary key is never null).
REJECTED_EXPORT_ONLY = [("users", None, "id is missing"), ("watchlist_entries", None, "id is missing")]


def approx(value: Any) -> Any:
    return None if value is None else round(float(value), 4)


def assert_marts(w: Warehouse, rejected: list[tuple]) -> None:
    users = w.sql(
        "select user_id, signup_at, country_code, locale, has_profile, watchlist_entries_count, "
        "completed_entries_count, reactions_count, families_count from marts.users"
    )
    assert {row[0]: tuple(row[1:]) for row in users} == USERS

    entries = w.sql(
        "select watchlist_entry_id, user_id, tmdb_id, media_type, status, priority, rating, has_notes, "
        "added_at, completed_at from marts.watchlist_entries"
    )
    by_id = {row[0]: row[1:] for row in entries}
    assert sorted(by_id) == sorted(["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w15", "w16", "w17"])
    assert by_id["w2"] == ("u2", 693134, "movie", "watching", "HIGH", None, True, ts("2026-05-01 10:00"), None)
    assert by_id["w3"][6] is False  # blank notes
    assert by_id["w4"] == (
        "u1", 872585, "movie", "completed", "MEDIUM", 9, False, ts("2026-05-01 10:00"), ts("2026-05-10 21:00")
    )
    assert by_id["w6"][1:3] == (1396, "tv")

    candidates = w.sql(
        "select family_id, media_item_id, tmdb_id, interested_members_count, high_priority_count, "
        "priority_score, candidate_rank from marts.family_watch_candidates order by family_id, candidate_rank"
    )
    assert [tuple(row) for row in candidates] == CANDIDATES

    invitations = w.sql("select family_invitation_id, status, invitee_user_id from marts.family_invitations")
    assert {row[0]: tuple(row[1:]) for row in invitations} == INVITATIONS

    engagement = w.sql(
        "select media_item_id, watchlist_adds, completed_count, completion_rate, ratings_count, average_rating, "
        "reactions_count, weighted_reaction_score, recommendations_count, recommendations_accepted_count, "
        "recommendation_acceptance_rate from marts.media_engagement"
    )
    got = {
        row[0]: (row[1], row[2], approx(row[3]), row[4], approx(row[5]), row[6], row[7], row[8], row[9], approx(row[10]))
        for row in engagement
    }
    assert got == ENGAGEMENT

    availability = w.sql(
        "select media_item_id, tmdb_id, media_type, provider, region from intermediate.int_app_media_availability "
        "where source = 'app' order by 1, 4, 5"
    )
    assert [tuple(row) for row in availability] == AVAILABILITY
    published = w.sql(
        "select tmdb_id, media_type, provider_name, region_code, offer_type from marts.media_availability "
        "where source = 'app' order by 1, 3, 4"
    )
    assert [tuple(row) for row in published] == sorted(
        (tmdb_id, media_type, provider, region, "flatrate") for _, tmdb_id, media_type, provider, region in AVAILABILITY
    )

    families = w.sql("select family_id, owner_user_id, members_count, pending_invitations_count from marts.families")
    assert sorted(tuple(row) for row in families) == [("f1", "u1", 3, 1), ("f2", "u4", 2, 0)]
    members = w.sql("select family_id, user_id, role, is_owner from marts.family_members order by 1, 2")
    assert [tuple(row) for row in members] == [
        ("f1", "u1", "owner", True), ("f1", "u2", "admin", False), ("f1", "u3", "member", False),
        ("f2", "u2", "member", False), ("f2", "u4", "owner", True),
    ]
    reactions = w.sql("select reaction_id, reaction, reaction_weight from marts.user_media_reactions order by 1")
    assert [tuple(row) for row in reactions] == [
        ("r1", "SUPER_LIKE", 2), ("r2", "LIKE", 1), ("r3", "DISLIKE", -1), ("r4", "OK", 0)
    ]
    recommendations = w.sql("select recommendation_id, status, is_accepted from marts.recommendations order by 1")
    assert [tuple(row) for row in recommendations] == [
        ("rec1", "accepted", True), ("rec2", "declined", False), ("rec3", "watched", True), ("rec4", "pending", False)
    ]

    quarantined = w.sql("select source_table, row_id, reject_reason from marts.rejected_app_rows")
    key = lambda row: (row[0], row[1] or "", row[2])  # noqa: E731
    assert sorted(map(tuple, quarantined), key=key) == sorted(rejected, key=key)
    assert_every_raw_row_accounted_for(w)


def assert_every_raw_row_accounted_for(w: Warehouse) -> None:
    """Every landed row is accounted for, nothing silently dropped: a current row is accepted
    (null reject_reason), quarantined, or gone with a deleted parent; any other raw row is an older
    version of an id landed again later (superseded), or of an id deleted since."""
    for table, id_column in (("users", "user_id"), ("profiles", "profile_id"), ("media_items", "media_item_id"),
                             ("watchlist_entries", "watchlist_entry_id"), ("reactions", "reaction_id"),
                             ("streaming_providers", "streaming_provider_id"), ("families", "family_id"),
                             ("family_memberships", "family_membership_id"),
                             ("family_invitations", "family_invitation_id"),
                             ("recommendations", "recommendation_id")):
        validated = f"intermediate.int_app_{table}_validated"
        current = w.scalar(f"select count(*) from {validated}")
        accepted = w.scalar(f"select count(*) from {validated} where reject_reason is null")
        rejected = w.scalar("select count(*) from marts.rejected_app_rows where source_table = ?", (table,))
        cascaded = w.scalar(f"select count(*) from {validated} where deleted_with is not null")
        assert current == accepted + rejected + cascaded, table
        unexplained = w.scalar(
            f"select count(*) from raw.app_{table} as landed "
            f"where landed._dlt_id not in (select landed_row_id from {validated}) "
            f"and not exists (select 1 from raw.app_{table} as later where trim(later.id) = trim(landed.id) "
            "and later._dlt_load_id > landed._dlt_load_id) "
            "and not exists (select 1 from intermediate.int_app_row_deletions as deleted "
            f"where deleted.source_table = '{table}' and deleted.row_id = trim(landed.id)) "
            f"and not (landed.id is null and landed._dlt_load_id < (select max(_dlt_load_id) from raw.app_{table}))"
        )
        assert unexplained == 0, table


def warehouse_text(w: Warehouse) -> tuple[set[str], list[str]]:
    """Every column name and every text value of every relation of the warehouse (dlt's state decoded)."""
    columns = w.sql(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema not in ('information_schema', 'pg_catalog')"
    )
    names = {row[2].lower() for row in columns}
    relations: dict[tuple[str, str], list[str]] = {}
    for schema, table, column, data_type in columns:
        if data_type.lower() in ("text", "varchar", "character varying", "json", "jsonb"):
            relations.setdefault((schema, table), []).append(column)
    values: list[str] = []
    for (schema, table), text_columns in relations.items():
        select = ", ".join(f'"{c}"' for c in text_columns)
        for row in w.sql(f'select {select} from "{schema}"."{table}"'):
            values.extend(str(v) for v in row if v is not None)
    for (state,) in w.sql("select state from raw._dlt_pipeline_state"):
        values.append(zlib.decompress(base64.b64decode(state)).decode("utf-8"))
    return names, values


def assert_no_secrets(w: Warehouse, secrets: list[str]) -> None:
    """No column named for a secret; no secret as a value, inside a value, or in dlt's state."""
    names, values = warehouse_text(w)
    assert not {"email", "password_hash", "token", "last_login_ip"} & names
    assert not [name for name in names if "password" in name or "token" in name]
    blob = "\n".join(values).lower()
    for marker in ("@example.", "$2b$10$"):
        assert marker not in blob
    if len(secrets) <= 200:
        assert [secret for secret in secrets if secret.lower() in blob] == []
    else:  # a large sample: exact values (the markers above cover emails and hashes inside text)
        assert set(secrets) & set(values) == set()


# ---- the export path ------------------------------------------------------------

def test_export_lands_builds_exact_marts_and_no_secret(warehouse: Warehouse, tmp_path: Path, caplog) -> None:
    land_one_show(warehouse, tmp_path)
    result = warehouse.marquee("ingest", "app", "--source", app.write_export(tmp_path / "export"))
    assert result.code == 0, result.err
    assert "Landed 67 app rows" in result.out
    assert "app users: column(s) not on the allowlist, not landed: lastLoginIp" in caplog.text
    assert warehouse.scalar("select count(*) from raw.app_users") == 6
    build(warehouse)
    assert_marts(warehouse, REJECTED + REJECTED_EXPORT_ONLY)
    assert_no_secrets(warehouse, app.secret_values())
    # pseudonyms: keyed, stable, the same for a user and the invitation sent to their email
    pseudonym = warehouse.scalar("select email_pseudonym from raw.app_users where id = 'u4'")
    assert len(pseudonym) == 64
    assert warehouse.scalar("select count(*) from raw.app_family_invitations where email_pseudonym = ?",
                            (pseudonym,)) == 1


# ---- the database path ----------------------------------------------------------

def _pg_url(server: dict[str, Any], name: str, password: str = "hunter2-not-shown") -> str:
    # trust auth ignores the password: it is there to prove it is never printed or stored
    return f"postgresql://{server['user']}:{password}@{server['host']}:{server['port']}/{name}"


@pytest.mark.postgres
def test_database_path_incremental_reload(warehouse: Warehouse, tmp_path: Path, postgres_server) -> None:
    land_one_show(warehouse, tmp_path)
    with fresh_postgres_database(postgres_server) as name:
        conn = psycopg2.connect(**{**postgres_server, "dbname": name})
        app.create_postgres_app_db(conn)
        url = _pg_url(postgres_server, name)

        first = warehouse.marquee("ingest", "app", "--source", url)
        assert first.code == 0, first.err
        assert "hunter2" not in first.out + first.err
        assert "Landed 65 app rows" in first.out
        build(warehouse)
        assert_marts(warehouse, REJECTED)
        assert_no_secrets(warehouse, app.secret_values() + ["hunter2-not-shown"])

        # The app edits an entry (newer updatedAt), adds one, answers a recommendation.
        cur = conn.cursor()
        cur.execute(
            """update watchlist_entries set status = 'completed', rating = 7, "updatedAt" = '2026-05-20T08:00:00'
               where id = 'w1'"""
        )
        cur.execute(
            """insert into watchlist_entries (id, "userId", "mediaItemId", status, priority, "addedAt", "updatedAt")
               values ('w20', 'u4', 'm1', 'not_watched', 'LOW', '2026-05-21T08:00:00', '2026-05-21T08:00:00')"""
        )
        cur.execute("update recommendations set status = 'accepted', \"respondedAt\" = '2026-05-22' where id = 'rec4'")
        conn.commit()

        second = warehouse.marquee("ingest", "app", "--source", url)
        assert second.code == 0, second.err
        # two changed entries + the three tables re-read whole (6 + 7 + 6 rows)
        assert "Landed 21 app rows" in second.out
        third = warehouse.marquee("ingest", "app", "--source", url)
        assert "Landed 19 app rows" in third.out  # nothing new behind the cursors
        conn.close()

    # every load is kept: the first 18 entries, then the two changed ones; the cursor-less
    # recommendations once per load
    assert warehouse.scalar("select count(*) from raw.app_watchlist_entries") == 20
    assert warehouse.scalar("select count(distinct id) from raw.app_watchlist_entries") == 19
    assert warehouse.scalar("select count(*) from raw.app_recommendations") == 3 * 6
    build(warehouse)
    assert warehouse.sql(
        "select status, rating, completed_at from marts.watchlist_entries where watchlist_entry_id = 'w1'"
    ) == [("completed", 7, ts("2026-05-20 08:00"))]
    assert warehouse.scalar("select count(*) from marts.watchlist_entries") == 13
    assert warehouse.scalar("select completed_entries_count from marts.users where user_id = 'u1'") == 2
    # u1 completed m1: no longer a candidate in f1; u4 added it, so it is one in f2 (u2 + u4, score 3 + 1),
    # tied with m4 (2 + 2) and ahead of it by media item id, behind m2 (3 + 3)
    assert [tuple(r) for r in warehouse.sql(
        "select family_id, media_item_id, candidate_rank from marts.family_watch_candidates order by 1, 3"
    )] == [("f1", "m4", 1), ("f2", "m2", 1), ("f2", "m1", 2), ("f2", "m4", 3)]
    assert warehouse.scalar(
        "select recommendation_acceptance_rate from marts.media_engagement where media_item_id = 'm1'"
    ) == 1.0


def test_sqlite_database_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    from tests.conftest import run_cli

    monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    w = Warehouse.__new__(Warehouse)
    from marquee.engines import engine_for

    w.target = engine_for("duckdb")
    url = app.create_sqlite_app_db(tmp_path / "app.sqlite")
    result = run_cli("ingest", "app", "--source", url, "--target", "duckdb")
    assert result.code == 0, result.err
    assert "sqlite:///" in result.out
    # the extra column is named once; the known secrets (passwordHash, email) are dropped silently
    assert "app users: column(s) not on the allowlist, not landed: lastLoginIp (" in caplog.text
    assert "passwordHash" not in caplog.text
    assert w.scalar("select count(*) from raw.app_watchlist_entries") == 18
    assert w.sql("select regions from raw.app_streaming_providers where id = 's1'") == [('["US", "CA"]',)]
    assert w.sql("select watched from raw.app_reactions where id = 'r4'") == [("0",)]  # SQLite has no boolean
    assert_no_secrets(w, app.secret_values())


def test_export_and_database_land_the_same_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from tests.conftest import run_cli

    def columns(path: Path) -> dict[str, list[str]]:
        conn = duckdb.connect(str(path), read_only=True)
        rows = conn.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'raw' "
            "and table_name like 'app_%' order by table_name, column_name"
        ).fetchall()
        conn.close()
        result: dict[str, list[str]] = {}
        for table, column in rows:
            result.setdefault(table, []).append(column)
        return result

    monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / "a.duckdb"))
    assert run_cli("ingest", "app", "--source", app.write_export(tmp_path / "export")).code == 0
    monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(tmp_path / "b.duckdb"))
    assert run_cli("ingest", "app", "--source", app.create_sqlite_app_db(tmp_path / "app.sqlite")).code == 0
    from_export, from_database = columns(tmp_path / "a.duckdb"), columns(tmp_path / "b.duckdb")
    assert len(from_export) == 11  # the ten app tables and the key snapshot
    assert from_export == from_database
