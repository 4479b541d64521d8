"""S4 — TMDB enrichment against the local fake TMDB server. PENDING.

What it will measure (issue 6): 2,000 titles enriched against the fake TMDB
server configured at 40 req/s with 50 ms latency, once clean and once with 10%
injected 429/5xx answers: achieved req/s as a fraction of the configured
limit (target >= 90%), the share of requests answered 429 when the server
enforces the rate (target < 0.1%), titles lost (must be 0) and retries.

It needs the TMDB source (`ingestion.tmdb`, issue 3), built in parallel. Until
that package can be imported this scenario reports "not available yet" and
measures nothing. When it lands, implement `run` below against its client and
fake server; the runner needs no change.
"""

from __future__ import annotations

import importlib

from bench.harness import Context
from bench.scenarios import Row

TITLES = 2_000
RATE_PER_SECOND = 40
LATENCY_SECONDS = 0.050
FAULT_SHARE = 0.10


class TmdbEnrichment:
    name = "S4"
    title = "TMDB enrichment (fake server)"
    targets = ("-",)

    def available(self) -> str | None:
        try:
            importlib.import_module("ingestion.tmdb")
        except Exception as exc:  # noqa: BLE001 - any failure to import means "not yet"
            return f"not available yet: `ingestion.tmdb` (issue 3) is not importable ({type(exc).__name__})"
        return None

    def run(self, ctx: Context, target: str) -> list[Row]:
        # PENDING (issue 3): start the fake TMDB server at RATE_PER_SECOND with
        # LATENCY_SECONDS, enrich TITLES titles clean and with FAULT_SHARE faults,
        # and report achieved rate / configured rate, 429 share, titles lost, retries.
        return [
            Row(
                scenario=self.name,
                target=target,
                size=f"{TITLES:,} titles",
                details="pending: `ingestion.tmdb` exists but this scenario is not written yet",
                checks=[("rate >= 90% of 40 req/s", None), ("0 titles lost", None)],
            )
        ]
