"""The bundled sample export of the watch-list app that `marquee run` lands.

Its emails are fake, so the sample run pseudonymises them with a fixed, public
demo key (documented in data/sample/app/README.md) unless MARQUEE_PII_KEY is
set. Any other run needs a real key.
"""

from __future__ import annotations

import os

from ingestion.app.settings import PII_KEY_ENV, SAMPLE_DEMO_PII_KEY
from ingestion.settings import SAMPLE_DATA_DIR

SAMPLE_APP_EXPORT = SAMPLE_DATA_DIR / "app"


def sample_pii_key() -> str:
    return os.environ.get(PII_KEY_ENV) or SAMPLE_DEMO_PII_KEY
