"""`marquee run` lands the bundled sample export with the demo PII key and
builds: the quarantine holds exactly the bad rows data/sample/app/README.md
documents, and none of the sample's secrets reaches the warehouse."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import Warehouse
from tests.test_app_pipeline import assert_every_raw_row_accounted_for, assert_no_secrets

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


def test_run_lands_the_sample_export(warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARQUEE_PII_KEY", raising=False)  # the sample run needs no key: it uses the demo key
    result = warehouse.marquee("run")
    assert result.code == 0, result.err
    assert "Landed 5,768 app rows from" in result.out

    w = warehouse
    quarantined = Counter(
        {(table, reason): count for table, reason, count in w.sql(
            "select source_table, reject_reason, count(*) from marts.rejected_app_rows group by 1, 2")}
    )
    assert quarantined == documented_bad_rows()
    assert sum(quarantined.values()) == 18
    assert w.scalar("select count(*) from marts.users") == 300
    assert w.scalar("select count(*) from marts.watchlist_entries") == 3_568
    assert w.scalar("select count(*) from marts.families") == 40
    assert_every_raw_row_accounted_for(w)
    assert_no_secrets(w, sample_secrets())


def test_sample_pseudonyms_use_the_documented_demo_key() -> None:
    import hashlib
    import hmac

    from ingestion.app.rows import pseudonymise

    first = json.loads((SAMPLE / "users.jsonl").read_text(encoding="utf-8").splitlines()[0])
    expected = hmac.new(b"marquee-sample-demo-key-not-a-secret", first["email"].lower().encode(), hashlib.sha256)
    assert pseudonymise(f"  {first['email'].upper()} ", "marquee-sample-demo-key-not-a-secret") == expected.hexdigest()
    assert "marquee-sample-demo-key-not-a-secret" in (SAMPLE / "README.md").read_text()
