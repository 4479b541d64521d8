"""The bundled sample export of the watch-list app: its pseudonyms use the
documented demo key. What `marquee run` makes of it (the quarantine holds
exactly the bad rows data/sample/app/README.md documents, none of the sample's
secrets reaches the warehouse) is checked in test_sample_run.py, with the
helpers below."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "app"


def documented_bad_rows() -> Counter[tuple[str, str]]:
    rows = re.findall(r"^\| (\w+) \| ([^|*]+?) \| (\d+) \|$", (SAMPLE / "README.md").read_text(), re.MULTILINE)
    return Counter({(table, reason): int(count) for table, reason, count in rows})


def sample_secrets() -> list[str]:
    secrets: list[str] = []
    for name, columns in {"users": ("email", "passwordHash", "lastLoginIp"), "sessions": ("token",),
                          "refresh_tokens": ("token",), "family_invitations": ("email", "token")}.items():
        for line in (SAMPLE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            secrets += [row[column] for column in columns if row.get(column)]
    return secrets


def test_sample_pseudonyms_use_the_documented_demo_key() -> None:
    import hashlib
    import hmac

    from ingestion.app.rows import pseudonymise

    first = json.loads((SAMPLE / "users.jsonl").read_text(encoding="utf-8").splitlines()[0])
    expected = hmac.new(b"marquee-sample-demo-key-not-a-secret", first["email"].lower().encode(), hashlib.sha256)
    assert pseudonymise(f"  {first['email'].upper()} ", "marquee-sample-demo-key-not-a-secret") == expected.hexdigest()
    assert "marquee-sample-demo-key-not-a-secret" in (SAMPLE / "README.md").read_text()
