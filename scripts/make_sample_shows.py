"""Write the bundled sample show feeds: data/sample/shows/shows_feed_v{1,2}.json.

Deterministic (fixed seed): re-running rewrites identical files. Version 1 is
a chain's feed of four cinemas over two weeks (2026-12-01..14); version 2 is
the same feed fetched three days later, edited so that it exercises every
reconcile case. The intended outcome is documented in
data/sample/shows/README.md and asserted by tests/test_sample_data.py.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "sample" / "shows"

# (id, title, rating, minutes, genre): real films, real certificates and running times; the
# catalogue is shared with the benchmark generator, the sample shows its first 24 films.
CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "sample" / "films.json"
FILMS = [tuple(film) for film in json.loads(CATALOGUE.read_text())[:24]]
FORMATS = ["2D", "2D", "2D", "3D", "IMAX", "4DX"]
# cinema id -> (screens, UTC offset its feed writes times in)
CINEMAS = {
    1: (["Screen 1", "Screen 2", "Screen 3"], "Z"),
    2: (["Salle 1", "Salle 2", "Salle 3", "Salle 4"], "+01:00"),
    3: (["Auditorium A", "Auditorium B"], "-05:00"),
    5: (["Screen 1", "Screen 2", "IMAX"], ""),  # naive times: read in the feed time zone (UTC)
}
ACTIVE_SPELLINGS = ["1", "1", "true", "Y", "yes", 1, True, "TRUE", "t"]
INACTIVE_SPELLINGS = ["0", "false", "N", "no", 0, False, "F"]
FIRST_DAY = datetime(2026, 12, 1, tzinfo=timezone.utc)
V2_FETCHED_AT = datetime(2026, 12, 3, 6, 0, tzinfo=timezone.utc)


def _time_text(moment: datetime, offset: str) -> str:
    if offset == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if offset == "":
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    sign = 1 if offset[0] == "+" else -1
    hours = int(offset[1:3])
    local = moment + timedelta(hours=sign * hours)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


def _record(rng: random.Random, film: tuple, cinema: int, screen: str, moment: datetime) -> dict:
    movie_id, title, rating, minutes, genre = film
    offset = CINEMAS[cinema][1]
    active = rng.random() > 0.08
    return {
        "movie_showTime": _time_text(moment, offset),
        "screen_name": screen,
        "is_active": rng.choice(ACTIVE_SPELLINGS if active else INACTIVE_SPELLINGS),
        "movie_ID": movie_id,
        "movie_title": title,
        "movie_rating": rating,
        "movie_length": str(minutes) if rng.random() < 0.3 else minutes,
        "movie_format": rng.choice(FORMATS),
        "cinema_id": str(cinema) if cinema == 5 and rng.random() < 0.5 else cinema,
        "movie_genere": genre,
        "movie_image_new": f"https://images.marquee.example/posters/{movie_id}.jpg",
    }


def base_shows(rng: random.Random) -> list[dict]:
    shows = []
    for day in range(14):
        for cinema, (screens, _) in CINEMAS.items():
            for screen in screens:
                for slot_hour in (13, 17, 21):
                    if rng.random() < 0.2:
                        continue
                    moment = FIRST_DAY + timedelta(days=day, hours=slot_hour, minutes=rng.choice([0, 15, 30, 45]))
                    shows.append(_record(rng, rng.choice(FILMS), cinema, screen, moment))
    return shows


def _cinema(record: dict) -> int:
    return int(record["cinema_id"])


def _moment(record: dict) -> datetime:
    return datetime.fromisoformat(record["movie_showTime"].replace("Z", "+00:00")).replace(
        tzinfo=datetime.fromisoformat(record["movie_showTime"].replace("Z", "+00:00")).tzinfo or timezone.utc
    )


def main(out: Path = OUT) -> None:
    rng = random.Random(20261201)
    shows = base_shows(rng)

    v1 = [dict(s) for s in shows]
    # rejects: a missing key field each, and an impossible date
    v1.append({**shows[0], "movie_ID": None})
    v1.append({**shows[1], "screen_name": "   "})
    v1.append({**shows[2], "movie_showTime": "2026-02-30T19:00:00Z"})
    # duplicates: the same key again later in the feed (the later one wins);
    # the second is the same instant written with another offset
    v1.append({**shows[3], "movie_title": shows[3]["movie_title"] + " (Director's Cut)"})
    same_instant = dict(shows[4])
    if same_instant["movie_showTime"].endswith("Z"):
        same_instant["movie_showTime"] = _time_text(_moment(shows[4]), "+01:00")
    v1.append(same_instant)

    # version 2: fetched 2026-12-03 06:00 UTC; cinema 3 is missing from it entirely
    future = [s for s in shows if _cinema(s) != 3 and _moment(s) > V2_FETCHED_AT]
    past = [s for s in shows if _cinema(s) != 3 and _moment(s) <= V2_FETCHED_AT]
    withdrawn = rng.sample(future, 8)
    dropped_past = rng.sample(past, 4)
    remaining = [s for s in shows if _cinema(s) != 3 and s not in withdrawn and s not in dropped_past]
    updated = rng.sample([s for s in remaining if _moment(s) > V2_FETCHED_AT], 12)
    v2 = []
    for show in remaining:
        record = dict(show)
        if show in updated:
            which = updated.index(show) % 4
            if which == 0:
                record["movie_format"] = "IMAX" if record["movie_format"] != "IMAX" else "2D"
            elif which == 1:
                record["is_active"] = "0" if str(record["is_active"]).lower() in ("1", "true", "y", "yes", "t") else "1"
            elif which == 2:
                record["movie_length"] = int(record["movie_length"]) + 5
            else:
                record["movie_image_new"] = record["movie_image_new"].replace(".jpg", "_v2.jpg")
        v2.append(record)
    taken = {(s["movie_ID"], _cinema(s), s["screen_name"], _moment(s)) for s in shows}
    new = []
    while len(new) < 10:
        cinema = rng.choice([1, 2, 5])
        screen = rng.choice(CINEMAS[cinema][0])
        moment = FIRST_DAY + timedelta(days=rng.randint(3, 13), hours=rng.choice([11, 17, 23]))
        record = _record(rng, rng.choice(FILMS), cinema, screen, moment)
        key = (record["movie_ID"], cinema, screen, moment)
        if key not in taken:
            taken.add(key)
            new.append(record)
    v2.extend(new)
    v2.append({**new[0], "cinema_id": "five"})
    v2.append({**new[1], "movie_showTime": ""})
    v2.append({**remaining[-1]})  # an exact duplicate record
    v2.append("not an object")

    for name, records in (("shows_feed_v1.json", v1), ("shows_feed_v2.json", v2)):
        (out / name).write_text(json.dumps({"data": {"allShows": records}}, ensure_ascii=False, indent=1) + "\n")
    # the v1 duplicate of shows[3] renamed it; v2 lists it with its real title again
    fixed_title = 1 if shows[3] in remaining else 0
    print(
        f"v1: {len(v1)} records, {len(shows)} shows, 3 rejected, 2 duplicates\n"
        f"v2: {len(v2)} records: {len(new)} inserted, {len(updated) + fixed_title} updated, "
        f"{len(remaining) - len(updated) - fixed_title} unchanged, {len(withdrawn)} withdrawn, "
        f"3 rejected, 1 duplicate; {len(dropped_past)} past shows dropped and "
        f"{sum(_cinema(s) == 3 for s in shows)} shows of the absent cinema 3 left alone"
    )


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
