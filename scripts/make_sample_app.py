"""Write the bundled sample export of the watch-list app: data/sample/app/*.jsonl.

Deterministic (fixed seed and fixed dates): re-running rewrites identical
files. A few hundred users in ten countries, dozens of families, thousands of
watch-list entries on real films (those of scripts/make_sample_shows.py, with
their real TMDB ids) and real TV series. The export carries everything the app
sends, sensitive columns included (bcrypt-looking password hashes, session,
refresh and invitation tokens, emails, an extra `lastLoginIp` column), so that
their exclusion is exercised, plus a handful of deliberately bad rows. The
expected outcome, with counts, is written to data/sample/app/README.md.
"""

from __future__ import annotations

import json
import random
import string
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "sample" / "app"
SEED = 20261122
START = datetime(2025, 1, 1, tzinfo=timezone.utc)

# (tmdb id, title, release date): the films of the sample show feeds, then TV series.
FILMS = [
    (693134, "Dune: Part Two", "2024-02-27"), (872585, "Oppenheimer", "2023-07-19"),
    (346698, "Barbie", "2023-07-19"), (569094, "Spider-Man: Across the Spider-Verse", "2023-05-31"),
    (792307, "Poor Things", "2023-12-07"), (915935, "Anatomie d'une chute", "2023-08-23"),
    (194, "Le Fabuleux Destin d'Amélie Poulain", "2001-04-25"), (129, "千と千尋の神隠し", "2001-07-20"),
    (161, "Ocean's Eleven", "2001-12-07"), (120467, "The Grand Budapest Hotel", "2014-02-26"),
    (545611, "Everything Everywhere All at Once", "2022-03-24"), (496243, "기생충", "2019-05-30"),
    (1022789, "Inside Out 2", "2024-06-11"), (402431, "Wicked", "2024-11-20"),
    (558449, "Gladiator II", "2024-11-05"), (1241982, "Moana 2", "2024-11-21"),
    (974576, "Conclave", "2024-10-25"), (549509, "The Brutalist", "2024-12-20"),
    (666277, "Past Lives", "2023-06-02"), (361743, "Top Gun: Maverick", "2022-05-21"),
    (916224, "Weird: The Al Yankovic Story", "2022-09-08"), (101, "Léon", "1994-09-14"),
    (346648, "Paddington 2", "2017-11-09"), (27205, "Inception", "2010-07-15"),
]
SERIES = [
    (1396, "Breaking Bad", "2008-01-20"), (1399, "Game of Thrones", "2011-04-17"),
    (66732, "Stranger Things", "2016-07-15"), (2316, "The Office", "2005-03-24"),
    (76331, "Succession", "2018-06-03"), (136315, "The Bear", "2022-06-23"),
    (95396, "Severance", "2022-02-17"), (70523, "Dark", "2017-12-01"),
    (87108, "Chernobyl", "2019-05-06"), (65494, "The Crown", "2016-11-04"),
    (67070, "Fleabag", "2016-07-21"), (126308, "Shōgun", "2024-02-27"),
    (94605, "Arcane", "2021-11-06"), (100088, "The Last of Us", "2023-01-15"),
    (93405, "오징어 게임", "2021-09-17"), (71446, "La casa de papel", "2017-05-02"),
]
GENRES = ["Drama", "Comedy", "Sci-Fi", "Thriller", "Animation", "Crime", "Romance", "Fantasy", "Action"]
PROVIDERS = ["netflix", "prime_video", "disney_plus", "hulu", "max", "apple_tv", "canal_plus"]
# country: (locale, first names, last names)
PEOPLE = {
    "FR": ("fr-FR", ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Théo", "Inès", "Jules"],
           ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard"]),
    "US": ("en-US", ["Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "Lucas"],
           ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis"]),
    "GB": ("en-GB", ["Oliver", "Amelia", "George", "Isla", "Harry", "Freya"],
           ["Taylor", "Evans", "Wilson", "Thomas", "Roberts"]),
    "DE": ("de-DE", ["Lukas", "Anna", "Finn", "Lena", "Paul", "Marie"],
           ["Müller", "Schmidt", "Schneider", "Fischer", "Weber"]),
    "ES": ("es-ES", ["Lucía", "Hugo", "Martina", "Mateo", "Sofía"], ["García", "López", "Martínez", "Sánchez"]),
    "IT": ("it-IT", ["Giulia", "Leonardo", "Sofia", "Francesco"], ["Rossi", "Russo", "Ferrari", "Esposito"]),
    "BR": ("pt-BR", ["Ana", "João", "Beatriz", "Gabriel"], ["Silva", "Santos", "Oliveira", "Souza"]),
    "JP": ("ja-JP", ["Yui", "Haruto", "Aoi", "Sota"], ["Sato", "Suzuki", "Takahashi", "Tanaka"]),
    "KR": ("ko-KR", ["Ji-woo", "Min-jun", "Seo-yeon", "Do-yun"], ["Kim", "Lee", "Park", "Choi"]),
    "CA": ("fr-CA", ["Félix", "Florence", "William", "Alice"], ["Tremblay", "Gagnon", "Roy", "Côté"]),
}
N_USERS = 300
N_FAMILIES = 40
BCRYPT_ALPHABET = "./" + string.ascii_letters + string.digits


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Ids:
    """cuid-looking ids, deterministic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> str:
        return "c" + "".join(self.rng.choice(string.ascii_lowercase + string.digits) for _ in range(24))


def main() -> None:  # noqa: PLR0915 - one linear script
    rng = random.Random(SEED)
    new_id = Ids(rng)
    tables: dict[str, list[dict]] = {name: [] for name in (
        "users", "profiles", "sessions", "refresh_tokens", "media_items", "watchlist_entries", "reactions",
        "streaming_providers", "families", "family_memberships", "family_invitations", "recommendations")}
    bad: Counter[tuple[str, str]] = Counter()

    def token() -> str:
        return "".join(rng.choice("0123456789abcdef") for _ in range(64))

    def moment(after: datetime, max_days: int) -> datetime:
        return after + timedelta(days=rng.randint(0, max_days), seconds=rng.randint(0, 86_399))

    # users, profiles, sessions, refresh tokens
    users = []
    for n in range(N_USERS):
        country = rng.choice(list(PEOPLE))
        locale, firsts, lasts = PEOPLE[country]
        first, last = rng.choice(firsts), rng.choice(lasts)
        created = moment(START, 600)
        uid = new_id()
        users.append(uid)
        handle = f"{first}.{last}{n}".lower().replace(" ", "")
        tables["users"].append({
            "id": uid, "email": f"{handle}@example.{rng.choice(['com', 'org', 'net'])}", "username": handle,
            "passwordHash": "$2b$10$" + "".join(rng.choice(BCRYPT_ALPHABET) for _ in range(53)),
            "createdAt": iso(created), "updatedAt": iso(moment(created, 60)),
            "lastLoginIp": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        })
        if n % 30 != 29:  # ten users never filled in a profile
            tables["profiles"].append({
                "id": new_id(), "userId": uid, "displayName": f"{first} {last[0]}.", "country": country,
                "locale": locale, "preferences": {"theme": rng.choice(["dark", "light"]), "spoilers": False},
                "createdAt": iso(created), "updatedAt": iso(moment(created, 30)),
            })
        for _ in range(rng.randint(0, 2)):
            started = moment(created, 300)
            tables["sessions"].append({"id": new_id(), "userId": uid, "token": token(),
                                       "expiresAt": iso(started + timedelta(days=30)), "createdAt": iso(started)})
            tables["refresh_tokens"].append({"id": new_id(), "userId": uid, "token": token(),
                                             "revoked": rng.random() < 0.2,
                                             "expiresAt": iso(started + timedelta(days=90)),
                                             "createdAt": iso(started)})
    emails = {row["id"]: row["email"] for row in tables["users"]}

    # media items and where they stream
    media = []
    for kind, catalogue in (("movie", FILMS), ("tv", SERIES)):
        for tmdb_id, title, released in catalogue:
            mid = new_id()
            media.append(mid)
            tables["media_items"].append({
                "id": mid, "tmdbId": tmdb_id, "tmdbType": kind, "title": title, "releaseDate": released,
                "genres": rng.sample(GENRES, 2), "creators": [], "posterPath": f"/{tmdb_id}.jpg",
                "createdAt": iso(START), "updatedAt": iso(moment(START, 300)),
            })
            for provider in rng.sample(PROVIDERS, rng.randint(1, 3)):
                tables["streaming_providers"].append({
                    "id": new_id(), "mediaItemId": mid, "provider": provider,
                    "regions": sorted(rng.sample(list(PEOPLE), rng.randint(1, 5))),
                    "url": f"https://www.{provider.replace('_', '')}.example/title/{tmdb_id}",
                    "createdAt": iso(START), "updatedAt": iso(moment(START, 300)),
                })

    # watch-lists and reactions
    entries_by_user: dict[str, dict[str, str]] = {}
    for uid in users:
        picks = rng.sample(media, rng.randint(4, 20))
        entries_by_user[uid] = {}
        for mid in picks:
            status = rng.choices(["not_watched", "watching", "completed"], [5, 2, 3])[0]
            added = moment(START, 650)
            entries_by_user[uid][mid] = status
            tables["watchlist_entries"].append({
                "id": new_id(), "userId": uid, "mediaItemId": mid, "status": status,
                "rating": rng.choice([6, 7, 7, 8, 8, 8, 9, 9, 10, 3, 5]) if status == "completed" and rng.random() < 0.8
                else None,
                "notes": rng.choice([None, None, None, "Watch with the kids", "Recommended by a friend", "Rewatch"]),
                "priority": rng.choices(["LOW", "MEDIUM", "HIGH"], [2, 5, 3])[0],
                "addedAt": iso(added), "updatedAt": iso(moment(added, 60)),
            })
            if status == "completed" and rng.random() < 0.7:
                tables["reactions"].append({
                    "id": new_id(), "userId": uid, "mediaItemId": mid,
                    "rating": rng.choices(["DISLIKE", "OK", "LIKE", "SUPER_LIKE"], [1, 2, 4, 3])[0],
                    "watched": True, "createdAt": iso(added), "updatedAt": iso(moment(added, 10)),
                })

    # families, memberships, invitations
    pool = users[:]
    rng.shuffle(pool)
    for n in range(N_FAMILIES):
        members = pool[(n * 5) % len(pool): (n * 5) % len(pool) + rng.randint(2, 6)]
        members = list(dict.fromkeys(members))
        if n % 8 == 0:  # some users are in two families
            members = list(dict.fromkeys(members + [pool[(n * 7 + 100) % len(pool)]]))
        fid, owner = new_id(), members[0]
        created = moment(START, 400)
        tables["families"].append({"id": fid, "name": f"{rng.choice(['The', 'Team', 'Casa', 'Maison'])} "
                                   f"{rng.choice(['Popcorn', 'Sofa', 'Cinéma', 'Binge', 'Friday'])} {n + 1}",
                                   "ownerId": owner, "createdAt": iso(created), "updatedAt": iso(created)})
        for i, uid in enumerate(members):
            role = "owner" if i == 0 else rng.choice(["admin", "member", "member"])
            tables["family_memberships"].append({"id": new_id(), "familyId": fid, "userId": uid, "role": role,
                                                 "joinedAt": iso(moment(created, 30))})
            if i > 0:
                sent = created + timedelta(days=rng.randint(0, 5))
                tables["family_invitations"].append({
                    "id": new_id(), "familyId": fid, "email": emails[uid], "invitedById": owner, "token": token(),
                    "status": "accepted", "expiresAt": iso(sent + timedelta(days=7)), "createdAt": iso(sent),
                    "respondedAt": iso(sent + timedelta(days=1)),
                })
        for _ in range(rng.randint(0, 3)):  # invitations to outsiders
            sent = moment(created, 700)
            status = rng.choices(["pending", "declined", "revoked"], [5, 2, 1])[0]
            tables["family_invitations"].append({
                "id": new_id(), "familyId": fid, "email": f"friend{rng.randint(1000, 9999)}@example.org",
                "invitedById": owner, "token": token(), "status": status,
                "expiresAt": iso(sent + timedelta(days=7)), "createdAt": iso(sent),
                "respondedAt": iso(sent + timedelta(days=2)) if status == "declined" else None,
            })

    # recommendations
    for _ in range(400):
        sender, recipient = rng.sample(users, 2)
        mid = rng.choice(list(entries_by_user[sender]))
        sent = moment(START, 650)
        status = rng.choices(["pending", "accepted", "declined", "watched"], [3, 3, 2, 2])[0]
        tables["recommendations"].append({
            "id": new_id(), "fromUserId": sender, "toUserId": recipient, "mediaItemId": mid,
            "message": rng.choice([None, "You have to see this!", "Perfect for a Sunday"]), "status": status,
            "createdAt": iso(sent), "respondedAt": None if status == "pending" else iso(moment(sent, 14)),
        })

    # deliberately bad rows: each kept and quarantined with the reason named here
    def add_bad(table: str, reason: str, row: dict) -> None:
        tables[table].append(row)
        bad[(table, reason)] += 1

    some_user = users[0]
    entry = dict(tables["watchlist_entries"][0])
    add_bad("users", "id is missing", {**tables["users"][1], "id": None, "email": "no.id@example.com",
                                       "username": "no.id"})
    add_bad("profiles", "orphan user_id", {**tables["profiles"][0], "id": new_id(), "userId": "user-deleted"})
    add_bad("media_items", "unknown tmdb_type", {**tables["media_items"][0], "id": new_id(), "tmdbId": 999999001,
                                                 "tmdbType": "podcast", "title": "A podcast"})
    fresh = [m for m in media if m not in entries_by_user[some_user]]
    for status in ("abandoned", "paused"):
        add_bad("watchlist_entries", "unknown status",
                {**entry, "id": new_id(), "userId": some_user, "mediaItemId": fresh.pop(), "status": status})
    for rating in (0, 11):
        add_bad("watchlist_entries", "rating outside 1-10",
                {**entry, "id": new_id(), "userId": some_user, "mediaItemId": fresh.pop(), "status": "completed",
                 "rating": rating})
    for n in (1, 2):
        add_bad("watchlist_entries", "orphan user_id", {**entry, "id": new_id(), "userId": f"user-deleted-{n}"})
        add_bad("watchlist_entries", "orphan media_item_id",
                {**entry, "id": new_id(), "mediaItemId": f"media-deleted-{n}"})
    add_bad("watchlist_entries", "id is missing", {**entry, "id": None})
    add_bad("reactions", "unknown rating", {**tables["reactions"][0], "id": new_id(), "rating": "MEH"})
    add_bad("streaming_providers", "orphan media_item_id",
            {**tables["streaming_providers"][0], "id": new_id(), "mediaItemId": "media-deleted"})
    add_bad("family_memberships", "unknown role", {**tables["family_memberships"][1], "id": new_id(),
                                                  "userId": users[-1], "role": "guest"})
    add_bad("family_invitations", "orphan family_id", {**tables["family_invitations"][0], "id": new_id(),
                                                      "familyId": "family-deleted", "token": token()})
    add_bad("recommendations", "orphan to_user_id", {**tables["recommendations"][0], "id": new_id(),
                                                    "toUserId": "user-deleted"})
    add_bad("recommendations", "unknown status", {**tables["recommendations"][1], "id": new_id(),
                                                 "status": "ignored"})

    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    write_readme(tables, bad)
    print(f"Wrote {sum(len(rows) for rows in tables.values()):,} rows in {len(tables)} files to {OUT}.")


def write_readme(tables: dict[str, list[dict]], bad: Counter[tuple[str, str]]) -> None:
    landed = [name for name in tables if name not in ("sessions", "refresh_tokens")]
    lines = [
        "# Sample export of the watch-list app",
        "",
        "Written by `scripts/make_sample_app.py` (fixed seed: re-running rewrites identical files; this",
        "README is written by the same script). One JSON Lines file per table of the app's export",
        "contract (summarised in ingestion/app/README.md).",
        "`marquee run` lands it with `marquee ingest app --source data/sample/app`.",
        "",
        "**Demo PII key.** The emails here are fake (example.com/.org/.net). The sample run pseudonymises",
        "them with the fixed, public key `marquee-sample-demo-key-not-a-secret`",
        "(`ingestion/app/settings.py: SAMPLE_DEMO_PII_KEY`) unless `MARQUEE_PII_KEY` is set. Any other",
        "`marquee ingest app` needs a real key in `MARQUEE_PII_KEY` or `sources.app.pii_key`.",
        "",
        "**Sensitive content, on purpose.** Every user has an email, a bcrypt-looking `passwordHash` and",
        "an extra `lastLoginIp` column the contract does not know; sessions, refresh tokens and",
        "invitations carry tokens. None of it may land: `sessions.jsonl` and `refresh_tokens.jsonl` are",
        "never read, the other secrets are dropped or pseudonymised at extraction, and the run warns",
        "about `lastLoginIp`.",
        "",
        "## Rows per file",
        "",
        "| file | rows | of which deliberately bad | landed |",
        "|---|---:|---:|---|",
    ]
    for name, rows in tables.items():
        n_bad = sum(count for (table, _), count in bad.items() if table == name)
        lines.append(f"| {name}.jsonl | {len(rows):,} | {n_bad} | {'yes' if name in landed else 'never read'} |")
    lines += [
        "",
        "## Deliberately bad rows (expected in marts.rejected_app_rows)",
        "",
        "| table | reason | rows |",
        "|---|---|---:|",
    ]
    for (table, reason), count in sorted(bad.items()):
        lines.append(f"| {table} | {reason} | {count} |")
    lines += [
        f"| **total** | | **{sum(bad.values())}** |",
        "",
        "Every other row is accepted into the marts. Family invitations still `pending` are `expired` or",
        "`pending` depending on the build time (their expiry dates run from 2025 into 2027).",
        "",
    ]
    (OUT / "README.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
