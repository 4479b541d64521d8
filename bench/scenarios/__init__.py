"""The benchmark scenarios, and the registry the runner reads.

A scenario is an object with a `name` (S1, S2, ...), a `title`, an
`available()` check (None when it can run, else why not) and
`run(ctx, target) -> list[Row]`. Adding one is adding a module here and an
entry in SCENARIOS; the runner needs no change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bench.harness import Context


@dataclass
class Row:
    """One line of the results table."""

    scenario: str
    target: str
    size: str
    marquee_s: float | None = None
    limit_s: float | None = None
    baseline_s: float | None = None
    peer_s: float | None = None  # dlt's scd2 merge of the same feed
    details: str = ""
    checks: list[tuple[str, bool | None]] = field(default_factory=list)  # (target, met?); None = not applicable

    @property
    def over_limit(self) -> float | None:
        return self.marquee_s / self.limit_s if self.marquee_s and self.limit_s else None

    @property
    def peer_speedup(self) -> float | None:
        return self.peer_s / self.marquee_s if self.marquee_s and self.peer_s else None

    @property
    def baseline_speedup(self) -> float | None:
        return self.baseline_s / self.marquee_s if self.marquee_s and self.baseline_s else None


class Scenario(Protocol):
    name: str
    title: str
    targets: tuple[str, ...]  # the warehouse targets it runs on ("-" = none)

    def available(self) -> str | None: ...

    def run(self, ctx: Context, target: str) -> list[Row]: ...


def registry() -> dict[str, Scenario]:
    from bench.scenarios.shows import FullLoad, Incremental, Scaling
    from bench.scenarios.tmdb import TmdbEnrichment

    scenarios: list[Scenario] = [FullLoad(), Incremental(), Scaling(), TmdbEnrichment()]
    return {s.name: s for s in scenarios}
