"""Errors a user can cause on `marquee ingest app` end in one line, exit 1,
load nothing, and never show a password or a secret from the input."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests import app_dataset as app
from tests.conftest import run_cli


@pytest.fixture
def duckdb_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("MARQUEE_DUCKDB_PATH", str(path))
    monkeypatch.setenv("MARQUEE_PII_KEY", "k")
    return path


def app_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    conn = duckdb.connect(str(path), read_only=True)
    rows = conn.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' and table_name like 'app_%'"
    ).fetchall()
    conn.close()
    return [row[0] for row in rows]


def fails(*args: str) -> str:
    result = run_cli("ingest", "app", "--source", *args, "--target", "duckdb")
    assert result.code == 1, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marquee: error: "), result.err
    return lines[0]


def test_missing_directory(duckdb_path: Path, tmp_path: Path) -> None:
    line = fails(str(tmp_path / "nowhere"))
    assert "does not exist" in line and "nowhere" in line
    assert app_tables(duckdb_path) == []


def test_export_without_a_table_file(duckdb_path: Path, tmp_path: Path) -> None:
    export = Path(app.write_export(tmp_path / "export"))
    (export / "families.jsonl").unlink()
    assert "lacks families.jsonl" in fails(str(export))


def test_export_with_an_empty_table_file_is_refused(duckdb_path: Path, tmp_path: Path) -> None:
    # an export is a complete snapshot: an empty file would read as "every recommendation deleted"
    export = Path(app.write_export(tmp_path / "export"))
    (export / "recommendations.jsonl").write_text("\n  \n")
    line = fails(str(export))
    assert "recommendations.jsonl holds no rows" in line and "nothing was loaded" in line
    assert app_tables(duckdb_path) == []


def test_malformed_line_names_file_and_line_and_loads_nothing(duckdb_path: Path, tmp_path: Path) -> None:
    export = Path(app.write_export(tmp_path / "export"))
    with (export / "watchlist_entries.jsonl").open("a") as out:
        out.write('{"id": "w99", "notes": "secret-ish \n')
    line = fails(str(export))
    assert "watchlist_entries.jsonl line 20: not valid JSON" in line
    assert "secret-ish" not in line
    assert app_tables(duckdb_path) == []


def test_line_that_is_not_an_object(duckdb_path: Path, tmp_path: Path) -> None:
    export = Path(app.write_export(tmp_path / "export"))
    (export / "users.jsonl").write_text('{"id": "u1"}\n\n[1, 2]\n')
    assert "users.jsonl line 3: not a JSON object" in fails(str(export))
    assert app_tables(duckdb_path) == []


def test_missing_pii_key(duckdb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARQUEE_PII_KEY")
    line = fails(app.write_export(tmp_path / "export"))
    assert "MARQUEE_PII_KEY" in line
    assert app_tables(duckdb_path) == []


def test_unsupported_url(duckdb_path: Path) -> None:
    line = fails("mysql://root:topsecret@db.example/app")
    assert "unsupported app database" in line and "topsecret" not in line


def test_unreachable_database_hides_the_password(duckdb_path: Path) -> None:
    line = fails("postgresql://app:topsecret@127.0.0.1:1/app")
    assert "cannot read app database postgresql://app@127.0.0.1:1/app" in line
    assert "topsecret" not in line
    assert app_tables(duckdb_path) == []


def test_missing_sqlite_file(duckdb_path: Path, tmp_path: Path) -> None:
    line = fails(f"sqlite:///{tmp_path}/missing.sqlite")
    assert "no SQLite database file" in line
    assert not (tmp_path / "missing.sqlite").exists()


def test_database_without_the_app_tables(duckdb_path: Path, tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "other.sqlite").execute("create table t (x)").connection.close()
    assert "has no table(s) users, profiles" in fails(f"sqlite:///{tmp_path}/other.sqlite")
