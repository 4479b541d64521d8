"""Matching a show-feed film title to a TMDB search result.

A feed title is searched as written; when that finds nothing and the title has
a parenthesised part (`千と千尋の神隠し (Spirited Away)`), the part outside and
the part inside the parentheses are tried in turn. Among the candidates, a
title equal to the searched one (after normalising case, accents and
punctuation; TMDB's `title` or `original_title`) wins over a partial one, and
among equals the release year closest to the show dates wins (a release after
the show year counts double: films are rarely shown before they come out),
then popularity.

Confidence: 1.0 for an exact normalised title match, 0.6 when one title
contains the other, 0.3 otherwise. Only matches at or above the dbt var
`tmdb_min_match_confidence` are used (each work item carries it; dbt applies it too).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_PARENTHESISED = re.compile(r"^(?P<outside>[^()]*)\((?P<inside>[^()]*)\)(?P<rest>[^()]*)$")


def normalise_title(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().replace("&", " and ")
    words = re.sub(r"[^\w]+", " ", folded)
    return " ".join(words.split())


def query_variants(title: str) -> list[str]:
    """The search queries for a feed title, most specific first."""
    variants = [title.strip()]
    found = _PARENTHESISED.match(title.strip())
    if found:
        variants += [
            (found["outside"] + found["rest"]).strip(),
            found["inside"].strip(),
        ]
    unique: list[str] = []
    for variant in variants:
        if variant and variant not in unique:
            unique.append(variant)
    return unique


@dataclass(frozen=True)
class Match:
    tmdb_id: int
    title: str
    release_year: int | None
    confidence: float


def _year(candidate: dict[str, Any]) -> int | None:
    text = str(candidate.get("release_date") or candidate.get("first_air_date") or "")
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def _title_score(candidate: dict[str, Any], wanted: set[str]) -> float:
    names = {
        normalise_title(str(candidate.get(key) or ""))
        for key in ("title", "original_title", "name", "original_name")
        if candidate.get(key)
    }
    if names & wanted:
        return 1.0
    if any(w and n and (w in n or n in w) for w in wanted for n in names):
        return 0.6
    return 0.3


def choose_match(candidates: list[dict[str, Any]], title: str, year_hint: int | None) -> Match | None:
    """The best candidate for a feed title shown around `year_hint`, or None."""
    wanted = {normalise_title(v) for v in query_variants(title)}
    best: tuple[tuple[float, float, float], Match] | None = None
    for candidate in candidates:
        if not isinstance(candidate, dict) or not isinstance(candidate.get("id"), int):
            continue
        score = _title_score(candidate, wanted)
        year = _year(candidate)
        if year is None or year_hint is None:
            distance = 50.0
        else:
            distance = float(year_hint - year) if year <= year_hint else 2.0 * (year - year_hint)
        rank = (score, -distance, float(candidate.get("popularity") or 0.0))
        if best is None or rank > best[0]:
            name = str(candidate.get("title") or candidate.get("name") or "")
            best = (rank, Match(candidate["id"], name, year, score))
    return best[1] if best else None
