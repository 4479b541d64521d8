"""The bundled sample feeds are exactly what their generator writes. What
`marquee run` makes of them (the outcome the generator was written to produce,
see data/sample/shows/README.md) is checked in test_sample_run.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingestion.settings import PROJECT_DIR

SAMPLE_DIR = PROJECT_DIR / "data" / "sample" / "shows"


def test_sample_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "make_sample_shows.py"), str(tmp_path)], check=True)
    for name in ("shows_feed_v1.json", "shows_feed_v2.json"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name
