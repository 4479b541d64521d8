"""Marquee ingestion: the dlt sources that land raw data (the runtime that runs them is marquee/)."""

import os
from pathlib import Path

# dlt reads the project's .dlt/config.toml (and secrets.toml), where the sources' settings live,
# whatever the working directory.
os.environ.setdefault("DLT_PROJECT_DIR", str(Path(__file__).resolve().parent.parent))
