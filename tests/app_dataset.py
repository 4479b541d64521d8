"""A small, hand-checked dataset of the watch-list app, as the app would hold it.

Used by tests/test_app_*.py three ways: written as a JSON Lines export, loaded
into a PostgreSQL (or SQLite) app database created by the test, and as the
list of secret values that must never reach the warehouse. The expected mart
values in the tests are worked out by hand from these rows (see the comments).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

# The build's reference time for invitation expiry (MARQUEE_AS_OF).
AS_OF = "2026-06-01T00:00:00Z"


def _user(uid: str | None, name: str, created: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "email": f"{name}@example.com",
        "username": name,
        "passwordHash": f"$2b$10${name}HashHashHashHashHashHashHashHashHashHashHashHa",
        "createdAt": created,
        "updatedAt": created,
        **extra,
    }


USERS = [
    _user("u1", "alice", "2026-01-10T09:00:00.000Z", lastLoginIp="10.1.2.3"),  # extra column: not landed
    _user("u2", "bob", "2026-02-01T12:30:00+01:00"),  # 11:30 UTC
    _user("u3", "carol", "2026-03-05T08:00:00.000Z"),
    _user("u4", "dave", "2026-04-01T20:00:00.000Z"),
    _user("u5", "erin", "2026-04-02T20:00:00.000Z"),  # no profile, no entries
    _user(None, "ghost", "2026-04-03T20:00:00.000Z"),  # BAD: id is missing (export only)
]


def _profile(pid: str, uid: str, name: str, country: str | None, locale: str | None) -> dict[str, Any]:
    return {
        "id": pid, "userId": uid, "displayName": name, "country": country, "locale": locale,
        "preferences": {"theme": "dark", "notifications": True},
        "createdAt": "2026-04-05T00:00:00.000Z", "updatedAt": "2026-04-05T00:00:00.000Z",
    }


PROFILES = [
    _profile("p1", "u1", "Alice A.", "FR", "fr-FR"),
    _profile("p2", "u2", "Bob B.", "US", "en-US"),
    _profile("p3", "u3", "Carol C.", "DE", "de-DE"),
    _profile("p4", "u4", "Dave D.", "FR", "fr-FR"),
    _profile("p9", "u404", "Nobody", "GB", "en-GB"),  # BAD: orphan user
]


def _media(mid: str, tmdb: int, kind: str, title: str, released: str) -> dict[str, Any]:
    return {
        "id": mid, "tmdbId": tmdb, "tmdbType": kind, "title": title, "releaseDate": released,
        "genres": ["Drama"], "creators": ["Someone"], "posterPath": f"/{mid}.jpg",
        "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
    }


MEDIA_ITEMS = [
    _media("m1", 693134, "movie", "Dune: Part Two", "2024-02-27"),
    _media("m2", 872585, "movie", "Oppenheimer", "2023-07-19"),
    _media("m3", 1396, "tv", "Breaking Bad", "2008-01-20"),
    _media("m4", 496243, "movie", "Parasite", "2019-05-30"),
    _media("m9", 1, "podcast", "Not a film", "2020-01-01"),  # BAD: unknown tmdbType
]


def _entry(eid: str | None, uid: str, mid: str, status: str = "not_watched", priority: str = "MEDIUM",
           rating: int | None = None, notes: str | None = None, updated: str = "2026-05-01T10:00:00.000Z") -> dict:
    return {
        "id": eid, "userId": uid, "mediaItemId": mid, "status": status, "rating": rating, "notes": notes,
        "priority": priority, "addedAt": "2026-05-01T10:00:00.000Z", "updatedAt": updated,
    }


WATCHLIST_ENTRIES = [
    _entry("w1", "u1", "m1"),
    _entry("w2", "u2", "m1", "watching", "HIGH", notes="with popcorn"),
    _entry("w3", "u3", "m1", priority="LOW", notes="   "),  # blank notes: has_notes false
    _entry("w4", "u1", "m2", "completed", rating=9, updated="2026-05-10T21:00:00.000Z"),
    _entry("w5", "u2", "m2", priority="HIGH"),
    _entry("w6", "u1", "m3", priority="HIGH"),
    _entry("w7", "u2", "m3"),
    _entry("w8", "u3", "m3", "completed", rating=8, updated="2026-05-12T21:00:00.000Z"),
    _entry("w9", "u4", "m4"),
    _entry("w15", "u2", "m4"),
    _entry("w16", "u4", "m2", priority="HIGH"),
    _entry("w17", "u3", "m4", priority="HIGH"),
    _entry("w10", "u1", "m4", "abandoned"),  # BAD: unknown status
    _entry("w11", "u3", "m2", "completed", rating=11),  # BAD: rating outside 1-10
    _entry("w12", "u404", "m1"),  # BAD: orphan user
    _entry("w13", "u3", "m404"),  # BAD: orphan media
    _entry("w14", "u1", "m9"),  # BAD: its media item is quarantined
    _entry(None, "u1", "m4"),  # BAD: id is missing (export only)
    _entry("w18", "u2", "m3", updated="2026-04-01T10:00:00.000Z"),  # BAD: w7 is a later entry of (u2, m3)
]


def _reaction(rid: str, uid: str, mid: str, rating: str, watched: bool = True) -> dict[str, Any]:
    return {
        "id": rid, "userId": uid, "mediaItemId": mid, "rating": rating, "watched": watched,
        "createdAt": "2026-05-11T00:00:00.000Z", "updatedAt": "2026-05-11T00:00:00.000Z",
    }


REACTIONS = [
    _reaction("r1", "u1", "m2", "SUPER_LIKE"),
    _reaction("r2", "u2", "m2", "LIKE"),
    _reaction("r3", "u3", "m3", "DISLIKE"),
    _reaction("r4", "u1", "m1", "OK", watched=False),
    _reaction("r5", "u2", "m1", "MEH"),  # BAD: unknown reaction
]


def _provider(sid: str, mid: str, provider: str, regions: list[str]) -> dict[str, Any]:
    return {
        "id": sid, "mediaItemId": mid, "provider": provider, "regions": regions,
        "url": f"https://{provider}.example/{mid}",
        "createdAt": "2026-01-02T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z",
    }


STREAMING_PROVIDERS = [
    _provider("s1", "m1", "netflix", ["US", "CA"]),
    _provider("s2", "m1", "prime_video", ["GB"]),
    _provider("s3", "m3", "netflix", ["US", "GB", "FR"]),
    _provider("s4", "m2", "hulu", []),  # no region: no availability row
    _provider("s5", "m404", "netflix", ["US"]),  # BAD: orphan media
]


def _family(fid: str, name: str, owner: str) -> dict[str, Any]:
    return {"id": fid, "name": name, "ownerId": owner,
            "createdAt": "2026-04-10T00:00:00.000Z", "updatedAt": "2026-04-10T00:00:00.000Z"}


FAMILIES = [
    _family("f1", "The A-Team", "u1"),
    _family("f2", "Flatmates", "u4"),
    _family("f9", "Ghost house", "u404"),  # BAD: orphan owner
]


def _member(mid: str, fid: str, uid: str, role: str, joined: str = "2026-04-11T00:00:00.000Z") -> dict:
    return {"id": mid, "familyId": fid, "userId": uid, "role": role, "joinedAt": joined}


FAMILY_MEMBERSHIPS = [
    _member("fm1", "f1", "u1", "owner", "2026-04-10T00:00:00.000Z"),
    _member("fm2", "f1", "u2", "admin"),
    _member("fm3", "f1", "u3", "member"),
    _member("fm4", "f2", "u4", "owner", "2026-04-10T00:00:00.000Z"),
    _member("fm5", "f2", "u2", "member"),
    _member("fm6", "f1", "u4", "guest"),  # BAD: unknown role
]


def _invitation(iid: str, fid: str, name: str, by: str, status: str, expires: str,
                responded: str | None = None) -> dict[str, Any]:
    return {
        "id": iid, "familyId": fid, "email": f"{name}@example.com", "invitedById": by,
        "token": f"inv-token-{iid}-5f2b9c1e8a", "status": status, "expiresAt": expires,
        "createdAt": "2026-05-01T00:00:00.000Z", "respondedAt": responded,
    }


FAMILY_INVITATIONS = [
    _invitation("i1", "f1", "dave", "u1", "accepted", "2026-05-08T00:00:00.000Z", "2026-05-02T00:00:00.000Z"),
    _invitation("i2", "f1", "frank", "u2", "pending", "2026-05-15T00:00:00.000Z"),  # expired as of AS_OF
    _invitation("i3", "f1", "grace", "u1", "pending", "2026-06-10T00:00:00.000Z"),
    _invitation("i4", "f2", "erin", "u4", "revoked", "2026-05-20T00:00:00.000Z"),
    _invitation("i5", "f2", "heidi", "u4", "declined", "2026-05-20T00:00:00.000Z", "2026-05-03T00:00:00.000Z"),
    _invitation("i6", "f404", "ivan", "u1", "pending", "2026-06-10T00:00:00.000Z"),  # BAD: orphan family
    _invitation("i7", "f1", "judy", "u1", "maybe", "2026-06-10T00:00:00.000Z"),  # BAD: unknown status
]


def _recommendation(rid: str, by: str, to: str, mid: str, status: str, responded: str | None = None) -> dict:
    return {
        "id": rid, "fromUserId": by, "toUserId": to, "mediaItemId": mid, "message": "You'll love it",
        "status": status, "createdAt": "2026-05-05T00:00:00.000Z", "respondedAt": responded,
    }


RECOMMENDATIONS = [
    _recommendation("rec1", "u1", "u2", "m2", "accepted", "2026-05-06T00:00:00.000Z"),
    _recommendation("rec2", "u1", "u3", "m2", "declined", "2026-05-06T00:00:00.000Z"),
    _recommendation("rec3", "u2", "u4", "m2", "watched", "2026-05-07T00:00:00.000Z"),
    _recommendation("rec4", "u3", "u1", "m1", "pending"),
    _recommendation("rec5", "u1", "u404", "m1", "pending"),  # BAD: orphan recipient
    _recommendation("rec6", "u2", "u1", "m3", "ignored"),  # BAD: unknown status
]

SESSIONS = [
    {"id": "se1", "userId": "u1", "token": "session-token-aaaa-1111-secret",
     "expiresAt": "2026-06-01T00:00:00.000Z", "createdAt": "2026-05-01T00:00:00.000Z"},
]
REFRESH_TOKENS = [
    {"id": "rt1", "userId": "u1", "token": "refresh-token-bbbb-2222-secret", "revoked": False,
     "expiresAt": "2026-07-01T00:00:00.000Z", "createdAt": "2026-05-01T00:00:00.000Z"},
]

TABLES: dict[str, list[dict[str, Any]]] = {
    "users": USERS,
    "profiles": PROFILES,
    "sessions": SESSIONS,
    "refresh_tokens": REFRESH_TOKENS,
    "media_items": MEDIA_ITEMS,
    "watchlist_entries": WATCHLIST_ENTRIES,
    "reactions": REACTIONS,
    "streaming_providers": STREAMING_PROVIDERS,
    "families": FAMILIES,
    "family_memberships": FAMILY_MEMBERSHIPS,
    "family_invitations": FAMILY_INVITATIONS,
    "recommendations": RECOMMENDATIONS,
}


def secret_values() -> list[str]:
    """Every value of the dataset that must never be found in the warehouse."""
    values = [row["email"] for row in USERS + FAMILY_INVITATIONS]
    values += [row["passwordHash"] for row in USERS]
    values += [row["token"] for row in SESSIONS + REFRESH_TOKENS + FAMILY_INVITATIONS]
    values += ["10.1.2.3"]  # the value of a column not on the allowlist
    return values


def write_export(directory: Path, tables: dict[str, list[dict[str, Any]]] | None = None) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or TABLES).items():
        with (directory / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return str(directory)


# Column types of the app database (Prisma on PostgreSQL; SQLite gets text/integer).
_PG_TYPES = {
    "rating": "integer", "tmdbId": "integer", "watched": "boolean", "revoked": "boolean",
    "preferences": "jsonb", "genres": "text[]", "creators": "text[]", "regions": "text[]",
}
_TIMESTAMPS = ("createdAt", "updatedAt", "addedAt", "expiresAt", "joinedAt", "respondedAt")


def _pg_type(table: str, column: str) -> str:
    if table == "reactions" and column == "rating":
        return "text"  # the Rating enum
    if column in _TIMESTAMPS:
        return "timestamp(3)"
    return _PG_TYPES.get(column, "text")


def _utc(value: Any) -> Any:
    """A timestamp as the app database keeps it: UTC, without offset (Prisma's timestamp(3))."""
    from datetime import timezone

    if not isinstance(value, str):
        return value
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds")


def db_rows(name: str) -> list[dict[str, Any]]:
    """The rows a database can hold (a primary key is never null), timestamps in UTC."""
    return [
        {key: _utc(value) if key in _TIMESTAMPS else value for key, value in row.items()}
        for row in TABLES[name]
        if row.get("id") is not None
    ]


def create_postgres_app_db(conn: Any, tables: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """Create the app's tables (camelCase columns, as Prisma does) and insert the rows."""
    from psycopg2.extras import Json

    cur = conn.cursor()
    for name in TABLES:
        rows = (tables or {}).get(name) or db_rows(name)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        ddl = ", ".join(f'"{c}" {_pg_type(name, c)}' + (" primary key" if c == "id" else "") for c in columns)
        cur.execute(f'create table "{name}" ({ddl})')
        for row in rows:
            values = [Json(row.get(c)) if c == "preferences" else row.get(c) for c in columns]
            cur.execute(
                f'insert into "{name}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                f'values ({", ".join(["%s"] * len(columns))})',
                values,
            )
    conn.commit()


def create_sqlite_app_db(path: Path) -> str:
    conn = sqlite3.connect(path)
    for name in TABLES:
        rows = db_rows(name)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        conn.execute(f'create table "{name}" ({", ".join(chr(34) + c + chr(34) for c in columns)})')
        for row in rows:
            values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in (row.get(c) for c in columns)]
            conn.execute(f'insert into "{name}" values ({", ".join("?" * len(columns))})', values)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"
