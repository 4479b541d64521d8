"""The warehouse lock of the engines that keep their warehouse in local files (DuckDB, Spark):
an exclusive `flock` on a lock file, released by the OS when the process ends, however it ends.
A process that holds it may take it again (a dbt run inside a marquee command)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ingestion.errors import MarqueeError

# Lock files this process holds -> their open handles (the flock lives as long as the handle).
HELD: dict[Path, IO[str]] = {}


@contextlib.contextmanager
def hold_file_lock(path: Path, who: str) -> Iterator[None]:
    """Hold the lock `path` for the block; MarqueeError at once when another process holds it."""
    if path in HELD:  # this process holds it already
        yield
        return
    take(path, who)
    try:
        yield
    finally:
        release(path)


def take(path: Path, who: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise MarqueeError(f"another marquee or dbt run is using {who} (lock {path}); wait for it to finish", transient=True) from None
    HELD[path] = handle


def release(path: Path) -> None:
    handle = HELD.pop(path)
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    handle.close()
