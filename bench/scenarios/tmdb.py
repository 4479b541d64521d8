"""S4 — TMDB enrichment against the local fake TMDB server.

2,000 titles (reduced: 200) enriched through the production fetch path
(`ingestion.tmdb.fetch_items`: one `TmdbClient` configured by `ClientSettings`
at 40 requests/s, the fetch loop with its 20 workers) against the fake TMDB
(`tests.fakes.tmdb_server`) on loopback, which answers every request after
50 ms and enforces 40 requests in any 1 s window itself (a 41st is answered
429 with Retry-After). Two runs: clean, and with 10% of requests answered
429 / 500 / 503 at random (seeded, so the same requests fail every time).
The injected 429s carry no Retry-After: a Retry-After pauses every request
of the client by design (it is what a rate-limited server asks for), so
random ones would measure those pauses, not the retrying; the server's own
rate limit, which is what a real 429 is, does send one.

The titles are synthetic, half of them show-feed film titles (searched, then
the details: two requests) and half TMDB ids (a quarter films, a quarter
series: one details request with everything appended). A title counts as
fetched only when its outcome is `success` with the right TMDB id and its
landed payload equals, value for value, the document the server serves for
it; anything else is a lost title (the run fails).

Per run: achieved requests/s (every request the server answered / the fetch's
wall time) as a share of the configured 40 (target >= 90%), the share of
requests the server's rate limit answered 429 (target < 0.1%; the injected
429s are counted apart), titles lost (must be 0) and retries. The *limit* is
the requests / 40 requests/s: the least time the rate allows. There is no
baseline: the old enrichment service exists only as a description (one call
at a time with a fixed pause between calls), no code to run.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from bench.harness import BenchError, Context
from bench.scenarios import Row
from ingestion.tmdb import ClientSettings, fetch_items, settings
from ingestion.tmdb.client import Credentials
from tests.fakes.tmdb_server import (
    SYNTHETIC_ID_BASE,
    FakeTmdb,
    request_key,
    synthetic_details,
    synthetic_title,
    synthetic_year,
)
from ingestion.tmdb.fetch import Batch, WorkItem

TITLES = 2_000
TITLES_REDUCED = 200
RATE_PER_SECOND = 40
LATENCY_SECONDS = 0.050
FAULT_SHARE = 0.10
FAULT_SEED = 6  # issue 6
# the injected faults: a 429 that does not say how long to wait (the client backs that request
# off), 500 and 503; the server's own rate limit answers 429 with a Retry-After
FAULT_ACTIONS = ("429-bare", "500", "503")
FAULT_NAMES = {"429-bare": "429 without Retry-After", "429": "429 with Retry-After"}
TARGET_RATE_SHARE = 0.90
TARGET_LIMITED_SHARE = 0.001
PROGRESS_EVERY_SECONDS = 15.0


@dataclass(frozen=True)
class Expected:
    media_type: str
    tmdb_id: int
    requests: int  # without faults: 2 for a searched title, 1 for an id


def work_items(titles: int) -> tuple[list[WorkItem], dict[str, Expected]]:
    """`titles` synthetic work items and what each must come back as.

    Even positions are show-feed film titles (search + details), odd ones TMDB
    ids, alternately films and series."""
    items: list[WorkItem] = []
    expected: dict[str, Expected] = {}
    for n in range(titles):
        tmdb_id = SYNTHETIC_ID_BASE + n
        if n % 2 == 0:
            item = WorkItem(
                f"title-{n}", "title", synthetic_title("movie", tmdb_id), synthetic_year(tmdb_id), min_match_confidence=0.8
            )
            expected[item.work_item_id] = Expected("movie", tmdb_id, 2)
        else:
            media_type = "movie" if n % 4 == 1 else "tv"
            item = WorkItem(f"{media_type}-{n}", media_type, str(tmdb_id), min_match_confidence=0.8)
            expected[item.work_item_id] = Expected(media_type, tmdb_id, 1)
        items.append(item)
    return items, expected


@dataclass
class Enrichment:
    """One run of S4, as measured."""

    label: str
    titles: int
    rate: float  # configured (client and server)
    latency: float
    fault_share: float
    fetched: int = 0  # success, right id, payload equal to what was served
    lost: list[str] = field(default_factory=list)  # work item ids
    minimal_requests: int = 0  # what the titles need without faults
    requests: int = 0  # every request the server answered
    client_requests: int = 0
    retries: int = 0  # the client's count
    answers: Counter[str] = field(default_factory=Counter)  # per reason: ok, fault, rate limit, ...
    injected: Counter[str] = field(default_factory=Counter)  # injected faults per action
    planned_faults: int = 0  # what the seed says the server must inject before every title succeeds
    peak_in_window: int = 0  # most requests that reached the server within any 1 s
    seconds: float = 0.0

    @property
    def achieved_rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def rate_share(self) -> float:
        return self.achieved_rate / self.rate

    @property
    def rate_limited(self) -> int:
        return self.answers["rate limit"]

    @property
    def rate_limited_share(self) -> float:
        return self.rate_limited / self.requests if self.requests else 0.0

    @property
    def limit_seconds(self) -> float:
        return self.requests / self.rate

    def checks(self) -> list[tuple[str, bool | None]]:
        return [
            (f"rate >= {TARGET_RATE_SHARE:.0%} of {self.rate:g} req/s", self.rate_share >= TARGET_RATE_SHARE),
            (f"< {TARGET_LIMITED_SHARE:.1%} rate-limited 429", self.rate_limited_share < TARGET_LIMITED_SHARE),
            ("0 titles lost", not self.lost),
        ]


def planned_faults(tmdb: FakeTmdb, items: list[WorkItem], expected: dict[str, Expected]) -> int:
    """How many injected faults the seed puts before each request's first success, over all requests."""
    planned = 0
    for item in items:
        keys = [_details_key(expected[item.work_item_id])]
        if item.lookup_kind == "title":
            keys.append(_search_key(item.lookup_value))
        for key in keys:
            n = 1
            while tmdb.fault_for(key, n):
                planned, n = planned + 1, n + 1
    return planned


def _details_key(want: Expected) -> str:
    append = settings.MOVIE_APPEND if want.media_type == "movie" else settings.TV_APPEND
    return request_key(f"/3/{want.media_type}/{want.tmdb_id}", {"append_to_response": append, "language": "en-US"})


def _search_key(title: str) -> str:
    return request_key("/3/search/movie", {"query": title, "include_adult": "false", "language": "en-US", "page": "1"})


def fake_token() -> str:
    """A made-up bearer token for the fake server (which refuses any other); never printed."""
    return f"bench-{secrets.token_hex(12)}"


def measure(
    titles: int,
    *,
    label: str,
    rate: float = RATE_PER_SECOND,
    latency: float = LATENCY_SECONDS,
    fault_share: float = 0.0,
    seed: int = FAULT_SEED,
    fault_actions: tuple[str, ...] = FAULT_ACTIONS,
    client_settings: ClientSettings | None = None,
    progress_every: float = PROGRESS_EVERY_SECONDS,
) -> Enrichment:
    """Enrich `titles` synthetic titles through the production fetch path against
    a fake TMDB enforcing `rate`; check every title came back exactly."""
    items, expected = work_items(titles)
    # the production defaults (timeouts, retries, backoff, 20 connections), at `rate`
    client_settings = replace(client_settings or ClientSettings.from_config(), rate=rate, progress_every=progress_every)
    token = fake_token()
    batches: list[Batch] = []
    with FakeTmdb(
        token=token, latency=latency, rate_limit=int(rate),
        fault_share=fault_share, fault_seed=seed, fault_actions=fault_actions,
    ) as tmdb:  # fmt: skip
        summary = fetch_items(
            items, tmdb.base_url, Credentials(read_token=token), client_settings, batches.append
        )
        seen = list(tmdb.requests)
        result = Enrichment(
            label=label,
            titles=titles,
            rate=rate,
            latency=latency,
            fault_share=fault_share,
            minimal_requests=sum(want.requests for want in expected.values()),
            requests=len(seen),
            client_requests=summary.requests,
            retries=summary.retries,
            answers=Counter(s.reason for s in seen),
            injected=Counter(s.action for s in seen if s.reason == "fault"),
            planned_faults=planned_faults(tmdb, items, expected),
            peak_in_window=tmdb.max_in_window(1.0),
            seconds=summary.seconds,
        )
    result.fetched, result.lost = verify(batches, expected)
    return result


def verify(batches: list[Batch], expected: dict[str, Expected]) -> tuple[int, list[str]]:
    """(titles fetched exactly, work items lost): each item must have one success outcome with
    the right id and one title row whose payload equals what the server served for it."""
    outcomes: dict[str, dict[str, Any]] = {}
    for row in (row for batch in batches for row in batch.fetch_log):
        if row["work_item_id"] in outcomes:
            raise BenchError(f"S4: work item {row['work_item_id']} has two outcomes")
        outcomes[row["work_item_id"]] = row
    payloads: dict[str, list[dict[str, Any]]] = {}
    for row in (row for batch in batches for row in batch.titles):
        payloads.setdefault(row["work_item_id"], []).append(row)
    lost: list[str] = []
    for work_item_id, want in expected.items():
        outcome = outcomes.get(work_item_id)
        rows = payloads.get(work_item_id, [])
        exact = (
            outcome is not None
            and outcome["status"] == "success"
            and (outcome["media_type"], outcome["tmdb_id"]) == (want.media_type, want.tmdb_id)
            and len(rows) == 1
            and (rows[0]["media_type"], rows[0]["tmdb_id"]) == (want.media_type, want.tmdb_id)
            and json.loads(rows[0]["payload"]) == synthetic_details(want.media_type, want.tmdb_id)
        )
        if not exact:
            lost.append(work_item_id)
    return len(expected) - len(lost), lost


def _details(run: Enrichment) -> str:
    faults = ", ".join(
        f"{FAULT_NAMES.get(action, action)} x{count:,}" for action, count in sorted(run.injected.items())
    ) or "none"
    others = {k: v for k, v in run.answers.items() if k not in ("ok", "fault", "rate limit")}
    searched = run.minimal_requests - run.titles
    text = (
        f"{run.label}: {run.fetched:,} of {run.titles:,} titles fetched exactly ({searched:,} searched + details, "
        f"{run.titles - searched:,} by id), {len(run.lost):,} lost; {run.requests:,} requests "
        f"({run.minimal_requests:,} without faults) at {run.achieved_rate:.1f} req/s = {run.rate_share:.1%} of "
        f"{run.rate:g} ({run.titles / run.seconds:.1f} titles/s); {run.retries:,} retries; "
        f"injected faults {sum(run.injected.values()):,} ({faults}); "
        f"rate-limited 429: {run.rate_limited:,} ({run.rate_limited_share:.2%}); peak {run.peak_in_window} "
        f"requests in any 1 s at the server; {run.latency * 1000:g} ms latency"
    )
    if others:
        text += "; other answers: " + ", ".join(f"{k} x{v}" for k, v in sorted(others.items()))
    if sum(run.injected.values()) != run.planned_faults:
        text += f"; the seed planned {run.planned_faults:,} faults before every request succeeded"
    if run.client_requests != run.requests:
        text += f"; the client counted {run.client_requests:,} requests (some never reached the server)"
    return text + "; limit = requests / configured rate; no baseline (the old service is a description, no code)"


class TmdbEnrichment:
    name = "S4"
    title = "TMDB enrichment (fake server)"
    targets = ("-",)

    def __init__(self, rate: float = RATE_PER_SECOND, latency: float = LATENCY_SECONDS,
                 client_settings: ClientSettings | None = None) -> None:  # fmt: skip
        self.rate = rate
        self.latency = latency
        self.client_settings = client_settings

    def available(self) -> str | None:
        return None

    def run(self, ctx: Context, target: str) -> list[Row]:
        runs: list[Enrichment] = []
        for label, share in (("clean", 0.0), (f"{FAULT_SHARE:.0%} faults", FAULT_SHARE)):
            ctx.log(f"S4: {ctx.tmdb_titles:,} titles, {label}, at {self.rate:g} req/s with {self.latency * 1000:g} ms latency ...")
            run = measure(ctx.tmdb_titles, label=label, rate=self.rate, latency=self.latency, fault_share=share,
                          client_settings=self.client_settings)  # fmt: skip
            ctx.log(f"S4 {label}: {run.requests:,} requests in {run.seconds:.1f} s = {run.rate_share:.1%} of the rate, "
                    f"{run.retries:,} retries, {len(run.lost):,} lost")  # fmt: skip
            runs.append(run)
        ctx.shared["S4"] = runs
        lost = {run.label: run.lost for run in runs if run.lost}
        if lost:
            raise BenchError(
                "S4: titles lost: "
                + "; ".join(f"{label}: {len(ids):,} ({', '.join(ids[:5])})" for label, ids in lost.items())
            )
        return [
            Row(
                scenario=self.name,
                target=target,
                size=f"{run.titles:,} titles, {run.label}",
                marquee_s=run.seconds,
                limit_s=run.limit_seconds,
                details=_details(run),
                checks=run.checks(),
            )
            for run in runs
        ]
