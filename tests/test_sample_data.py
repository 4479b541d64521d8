"""The bundled sample: `marquee run` (what `make run` calls) lands both sample
feeds, builds, and reports exactly the outcome the generator was written to
produce (see data/sample/shows/README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingestion.dbt import target_dir
from ingestion.settings import PROJECT_DIR
from tests.conftest import Warehouse

SAMPLE_DIR = PROJECT_DIR / "data" / "sample" / "shows"


def test_sample_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "make_sample_shows.py"), str(tmp_path)], check=True)
    for name in ("shows_feed_v1.json", "shows_feed_v2.json"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


def test_marquee_run_on_the_sample(warehouse: Warehouse) -> None:
    result = warehouse.marquee("run")
    assert result.code == 0, result.err + result.out
    assert "Landed 410 show records" in result.out
    assert "Landed 336 show records" in result.out
    # v1: 405 shows, 3 rejected, 2 duplicates; v2: 10 new, 13 updated, 309 unchanged, 8 withdrawn,
    # 3 rejected, 1 duplicate (4 past shows dropped, and cinema 3's 71 shows, are left alone)
    assert (
        "Reconciled 2 loads (746 records): 415 inserted, 13 updated, 309 unchanged, 8 withdrawn, "
        "6 rejected, 3 duplicates." in result.out
    )
    assert "marts.master_shows: 415 shows (8 withdrawn)." in result.out
    assert warehouse.sql("select cinema_id, count(*), count(withdrawn_at) from marts.master_shows group by 1 order by 1") == [
        (1, 101, 2),
        (2, 140, 5),
        (3, 71, 0),
        (5, 103, 1),
    ]
    assert (target_dir() / "catalog.json").exists()
