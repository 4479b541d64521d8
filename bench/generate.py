"""Deterministic, realistic show-time feeds for the benchmarks, streamed to disk.

    python -m bench.generate --shows 1000000 --out /tmp/feed.json [--next /tmp/feed_next.json]

A feed lists the shows of a chain's cinemas over two weeks in the chain's own
shape and spellings (`{"data": {"allShows": [...]}}`, `movie_showTime`,
`movie_ID`, `movie_genere`, ...): every cinema has 4 to 16 screens, every
screen five slots a day, real film titles (unicode, quotes), mixed
`is_active` spellings (1/"true"/"Y"/true/...), `movie_length` as a number or
a string, `cinema_id` sometimes a string, and show times written in each
cinema's own UTC offset (Z, +01:00, -05:00, +05:30, or none). A few records
are rejects (a missing key field) and a few are exact duplicates, as in real
feeds.

Records are produced one at a time from a seeded random stream and written
as they are made, so a 3M-show feed never sits in memory. Generating the
"next day" feed replays the same stream and edits it:

- `changed`: shows whose attributes change (format, active flag, length,
  poster, rating, title), counted as *updated* by the reconcile;
- `new`: shows at free slots of existing screens, all in the future
  (*inserted*);
- `withdrawn`: future shows of cinemas still in the feed, left out
  (*withdrawn*);
- everything else is *unchanged*, and a share of those is re-spelled
  without changing its meaning ("1" -> "yes", 95 -> "95") so a reconcile
  that compares text instead of values would be caught.

`FeedTruth` is the exact outcome the reconcile must report for a feed.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20261201

# (movie id, title, rating, minutes, genre): real films, real certificates and running times,
# the catalogue the sample feeds use too.
CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "sample" / "films.json"
FILMS: list[tuple[str, str, str, int, str]] = [tuple(film) for film in json.loads(CATALOGUE.read_text())]
FORMATS = ["2D", "2D", "2D", "3D", "IMAX", "4DX", "Dolby Atmos"]
ACTIVE_SPELLINGS: list[object] = ["1", "1", "1", "true", "Y", "yes", 1, True, "TRUE", "t"]
INACTIVE_SPELLINGS: list[object] = ["0", "false", "N", "no", 0, False, "F"]
OFFSETS = ["Z", "Z", "+01:00", "-05:00", "+05:30", ""]  # "" = no offset: read as UTC (the default feed zone)
SCREEN_NAMES = [
    ["Screen {n}"],
    ["Salle {n}"],
    ["Auditorium {n}"],
    ["Sala {n}"],
    ["Kino {n}"],
]
SLOT_HOURS = (10, 13, 16, 19, 22)  # base shows start at :00/:15/:30/:45; new shows at :50
DAYS = 14
SHOWS_PER_SCREEN = DAYS * len(SLOT_HOURS)

FIRST_DAY = datetime(2026, 12, 1, tzinfo=timezone.utc)
# The first feed is fetched the evening before the fortnight; the next one the
# next day at 14:00 UTC, after the first two slots of day 0 (so those are past).
FETCHED_AT = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
NEXT_FETCHED_AT = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FeedTruth:
    """What reconciling a feed must report (marts.show_reconcile_log)."""

    records: int
    inserted: int
    updated: int
    unchanged: int
    withdrawn: int
    rejected: int
    duplicates: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Changes:
    """How many shows the next-day feed changes, adds and withdraws."""

    changed: int
    new: int
    withdrawn: int

    @classmethod
    def percent(cls, shows: int) -> Changes:
        """The issue's mix: 1% changed, 0.5% new, 0.5% withdrawn."""
        return cls(changed=shows // 100, new=shows // 200, withdrawn=shows // 200)


def _extras(shows: int) -> int:
    """Rejects (and duplicates) per feed: 0.01%, at least one."""
    return max(1, shows // 10_000)


@dataclass(frozen=True)
class _Cinema:
    cinema_id: int
    screens: list[str]
    offset: str


def _cinemas(shows: int) -> list[_Cinema]:
    """Cinemas and screens enough for `shows` shows (the last screens may be partly used)."""
    rng = random.Random(SEED)
    cinemas: list[_Cinema] = []
    capacity = 0
    cinema_id = 100
    while capacity < shows:
        cinema_id += rng.choice((1, 1, 1, 2, 7))
        pattern = rng.choice(SCREEN_NAMES)[0]
        count = rng.randint(4, 16)
        screens = [pattern.format(n=n) for n in range(1, count + 1)]
        if rng.random() < 0.3:
            screens[-1] = "IMAX"
        cinemas.append(_Cinema(cinema_id, screens, rng.choice(OFFSETS)))
        capacity += count * SHOWS_PER_SCREEN
    return cinemas


def _time_text(moment: datetime, offset: str) -> str:
    if offset == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if offset == "":
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    sign = 1 if offset[0] == "+" else -1
    local = moment + sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


def _spell(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@functools.lru_cache(maxsize=65536)
def _spelled_time(moment: datetime, offset: str) -> str:
    return _spell(_time_text(moment, offset))


@functools.lru_cache(maxsize=65536)
def _spelled(value: object, kind: type) -> str:  # kind keeps 1 and True (and "1") apart
    return _spell(value)


_FILM_TEXT = [
    (
        _spell(movie_id),
        _spell(title),
        _spell(rating),
        minutes,
        _spell(genre),
        _spell(f"https://images.marquee.example/posters/{movie_id}.jpg"),
    )
    for movie_id, title, rating, minutes, genre in FILMS
]


@dataclass
class _Show:
    """One show as the stream produces it (the key's instant kept for the rules)."""

    index: int
    cinema: _Cinema
    screen: str
    moment: datetime
    film: int
    fmt: str
    active: bool
    active_spelling: object
    length_as_text: bool
    cinema_as_text: bool

    def record(self, **override: object) -> str:
        movie_id, title, rating, minutes, genre, image = _FILM_TEXT[self.film]
        length: object = str(minutes) if self.length_as_text else minutes
        cinema: object = str(self.cinema.cinema_id) if self.cinema_as_text else self.cinema.cinema_id
        fields = {
            "movie_showTime": _spelled_time(self.moment, self.cinema.offset),
            "screen_name": _spelled(self.screen, str),
            "is_active": _spelled(self.active_spelling, type(self.active_spelling)),
            "movie_ID": movie_id,
            "movie_title": title,
            "movie_rating": rating,
            "movie_length": _spelled(length, type(length)),
            "movie_format": _spelled(self.fmt, str),
            "cinema_id": _spelled(cinema, type(cinema)),
            "movie_genere": genre,
            "movie_image_new": image,
        }
        for name, value in override.items():
            fields[name] = _spell(value)
        return (
            '{{"movie_showTime": {movie_showTime}, "screen_name": {screen_name}, "is_active": {is_active}, '
            '"movie_ID": {movie_ID}, "movie_title": {movie_title}, "movie_rating": {movie_rating}, '
            '"movie_length": {movie_length}, "movie_format": {movie_format}, "cinema_id": {cinema_id}, '
            '"movie_genere": {movie_genere}, "movie_image_new": {movie_image_new}}}'
        ).format(**fields)


def _shows(shows: int) -> Iterator[_Show]:
    """The base fortnight of `shows` shows, in feed order (cinema, screen, day, slot)."""
    rng = random.Random(SEED + 1)
    index = 0
    for cinema in _cinemas(shows):
        for screen in cinema.screens:
            for day in range(DAYS):
                for hour in SLOT_HOURS:
                    if index >= shows:
                        return
                    moment = FIRST_DAY + timedelta(days=day, hours=hour, minutes=rng.choice((0, 15, 30, 45)))
                    active = rng.random() > 0.06
                    yield _Show(
                        index=index,
                        cinema=cinema,
                        screen=screen,
                        moment=moment,
                        film=rng.randrange(len(FILMS)),
                        fmt=rng.choice(FORMATS),
                        active=active,
                        active_spelling=rng.choice(ACTIVE_SPELLINGS if active else INACTIVE_SPELLINGS),
                        length_as_text=rng.random() < 0.3,
                        cinema_as_text=rng.random() < 0.1,
                    )
                    index += 1


def _is_future(index: int, fetched_at: datetime) -> bool:
    """Whether base show `index` starts after `fetched_at` (from its position alone)."""
    slot = index % SHOWS_PER_SCREEN
    latest_start = FIRST_DAY + timedelta(days=slot // len(SLOT_HOURS), hours=SLOT_HOURS[slot % len(SLOT_HOURS)])
    return latest_start > fetched_at


class _FeedWriter:
    """Writes records into `{"data": {"allShows": [...]}}`, one per line."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", encoding="utf-8", buffering=1 << 20)
        self._handle.write('{"data": {"allShows": [\n')
        self.count = 0

    def write(self, record: str) -> None:
        if self.count:
            self._handle.write(",\n")
        self._handle.write(record)
        self.count += 1

    def close(self) -> None:
        self._handle.write("\n]}}\n")
        self._handle.close()


def _rejects(show: _Show, which: int) -> str:
    """A record that must be rejected: one key field missing or unreadable."""
    kind = which % 3
    if kind == 0:
        return show.record(movie_ID=None)
    if kind == 1:
        return show.record(cinema_id="n/a")
    return show.record(movie_showTime="")


def write_feed(path: Path, shows: int) -> FeedTruth:
    """The first feed: `shows` shows, plus 0.01% rejects and 0.01% duplicates."""
    extras = _extras(shows)
    stride = max(1, shows // extras)
    writer = _FeedWriter(path)
    for show in _shows(shows):
        writer.write(show.record())
        if show.index % stride == stride // 2 and show.index // stride < extras:
            which = show.index // stride
            writer.write(_rejects(show, which))
            writer.write(show.record())  # the same record again: a duplicate (the later one wins)
    writer.close()
    return FeedTruth(
        records=writer.count,
        inserted=shows,
        updated=0,
        unchanged=0,
        withdrawn=0,
        rejected=extras,
        duplicates=extras,
    )


def _change(show: _Show, which: int) -> str:
    """The show's record with one attribute really changed (after typing)."""
    kind = which % 6
    if kind == 0:
        return show.record(movie_format="IMAX" if show.fmt != "IMAX" else "2D")
    if kind == 1:
        return show.record(is_active="0" if show.active else "1")
    if kind == 2:
        return show.record(movie_length=FILMS[show.film][3] + 5)
    if kind == 3:
        return show.record(movie_image_new=f"https://images.marquee.example/posters/{FILMS[show.film][0]}_v2.jpg")
    if kind == 4:
        return show.record(movie_rating="NC-17" if FILMS[show.film][2] != "NC-17" else "R")
    return show.record(movie_title=FILMS[show.film][1] + " (Director's Cut)")


def _respelled(show: _Show) -> str:
    """The same show in other words: equal once typed, so it stays unchanged."""
    spelling: object = ("yes" if show.active_spelling != "yes" else True) if show.active else "no"
    minutes = FILMS[show.film][3]
    return show.record(is_active=spelling, movie_length=minutes if show.length_as_text else str(minutes))


def write_next_feed(path: Path, shows: int, changes: Changes | None = None) -> FeedTruth:
    """The next day's feed for a first feed of `shows` shows, and its exact truth.

    `changes` defaults to the issue's mix (1% changed, 0.5% new, 0.5% withdrawn).
    Withdrawn shows are future shows (after NEXT_FETCHED_AT); every cinema stays in
    the feed. Rejects and duplicates are written again (they never reach the master).
    """
    changes = changes or Changes.percent(shows)
    rng = random.Random(SEED + 3)
    future = [i for i in range(shows) if _is_future(i, NEXT_FETCHED_AT)] if shows <= 200_000 else None
    if future is None:  # sample without listing millions of indexes
        withdrawn: set[int] = set()
        while len(withdrawn) < changes.withdrawn:
            i = rng.randrange(shows)
            if _is_future(i, NEXT_FETCHED_AT):
                withdrawn.add(i)
    else:
        withdrawn = set(rng.sample(future, changes.withdrawn))
    changed: set[int] = set()
    while len(changed) < changes.changed:
        i = rng.randrange(shows)
        if i not in withdrawn:
            changed.add(i)
    if len(withdrawn) + len(changed) > shows:
        raise ValueError("more changes than shows")

    cinemas = _cinemas(shows)
    screens_in_use = -(-shows // SHOWS_PER_SCREEN)
    all_screens = [(cinema, screen) for cinema in cinemas for screen in cinema.screens][:screens_in_use]
    new_slots: set[tuple[int, int, int]] = set()
    while len(new_slots) < changes.new:
        # :50 past a future slot hour, on days 1..13: never a base show's time
        new_slots.add((rng.randrange(len(all_screens)), rng.randrange(1, DAYS), rng.randrange(len(SLOT_HOURS))))
    if len(new_slots) != changes.new:
        raise ValueError("not enough free slots for the new shows")

    extras = _extras(shows)
    stride = max(1, shows // extras)
    writer = _FeedWriter(path)
    respelled = 0
    for show in _shows(shows):
        if show.index in withdrawn:
            continue
        if show.index in changed:
            writer.write(_change(show, show.index))
        elif show.index % 50 == 7:
            writer.write(_respelled(show))
            respelled += 1
        else:
            writer.write(show.record())
        if show.index % stride == stride // 2 and show.index // stride < extras:
            writer.write(_rejects(show, show.index // stride + 1))
            writer.write(show.record() if show.index not in changed else _change(show, show.index))
    new_rng = random.Random(SEED + 4)
    for screen_at, day, slot in sorted(new_slots):
        cinema, screen = all_screens[screen_at]
        active = new_rng.random() > 0.06
        show = _Show(
            index=-1,
            cinema=cinema,
            screen=screen,
            moment=FIRST_DAY + timedelta(days=day, hours=SLOT_HOURS[slot], minutes=50),
            film=new_rng.randrange(len(FILMS)),
            fmt=new_rng.choice(FORMATS),
            active=active,
            active_spelling=new_rng.choice(ACTIVE_SPELLINGS if active else INACTIVE_SPELLINGS),
            length_as_text=new_rng.random() < 0.3,
            cinema_as_text=False,
        )
        writer.write(show.record())
    writer.close()
    # a withdrawn show's reject and duplicate were left out with it
    written_extras = extras - sum(1 for w in withdrawn if w % stride == stride // 2 and w // stride < extras)
    return FeedTruth(
        records=writer.count,
        inserted=changes.new,
        updated=changes.changed,
        unchanged=shows - changes.changed - changes.withdrawn,
        withdrawn=changes.withdrawn,
        rejected=written_extras,
        duplicates=written_extras,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shows", type=int, required=True, help="shows in the first feed")
    parser.add_argument("--out", type=Path, required=True, help="where to write the first feed")
    parser.add_argument("--next", type=Path, help="also write the next day's feed here")
    args = parser.parse_args()
    print("first:", json.dumps(write_feed(args.out, args.shows).as_dict()))
    if args.next:
        print("next: ", json.dumps(write_next_feed(args.next, args.shows).as_dict()))


if __name__ == "__main__":
    main()
