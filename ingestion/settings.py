"""Where the project and its bundled samples are (the sources' only shared setting)."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = PROJECT_DIR / "data" / "sample"
