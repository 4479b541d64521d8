"""Connect to the app's own database (PostgreSQL, or SQLite for small setups).

Everything here is checked before dlt runs, so that the errors a user can cause
(a bad URL, an unreachable server, a missing SQLite file, a database without the
app's tables) end in one sentence. The URL is only ever shown without its
password.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.app.settings import APP_TABLES, CHUNK_SIZE, AppTable
from ingestion import redaction
from ingestion.errors import MarqueeError, first_line

SUPPORTED_BACKENDS = ("postgresql", "sqlite")
CONNECT_TIMEOUT_SECONDS = 5


class AppDatabaseError(MarqueeError):
    """The app database cannot be read."""


def looks_like_url(source: str) -> bool:
    return "://" in source


def redact_url(url: str) -> str:
    """The URL without its password (or the raw text's scheme only when it does not parse)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)._replace(password=None).render_as_string(hide_password=False)
    except (ArgumentError, ValueError):
        return url.split("://", 1)[0] + "://…"


@dataclass
class AppDatabase:
    """An open SQLAlchemy engine on the app database and the columns of its tables."""

    engine: object
    label: str
    columns: dict[str, list[str]]

    def key_rows(self, table: AppTable) -> Iterator[list[dict[str, Any]]]:
        """Every row's id (and the references suppression needs) in batches: the key snapshot's read."""
        from sqlalchemy import column, select
        from sqlalchemy import table as sql_table

        present = set(self.columns[table.name])
        columns = [column(name) for name in table.key_columns if name in present]
        query = select(*columns).select_from(sql_table(table.name))
        with self.engine.connect() as connection:  # type: ignore[attr-defined]
            result = connection.execution_options(stream_results=True).execute(query)
            for chunk in result.mappings().partitions(CHUNK_SIZE):
                yield [dict(row) for row in chunk]

    def dispose(self) -> None:
        self.engine.dispose()  # type: ignore[attr-defined]


def open_database(url: str) -> AppDatabase:
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

    label = redact_url(url)
    try:
        parsed = make_url(url)
        redaction.register(parsed.password and str(parsed.password))
    except (ArgumentError, ValueError):
        raise AppDatabaseError(f"not a database URL: {label}") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise AppDatabaseError(
            f"unsupported app database {label}: use a postgresql:// or sqlite:/// URL, or an export directory"
        )
    connect_args: dict[str, object] = {}
    if backend == "sqlite":
        if not parsed.database or not Path(parsed.database).is_file():
            raise AppDatabaseError(f"no SQLite database file at {parsed.database or '(empty path)'}")
    else:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        engine = create_engine(parsed, connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise AppDatabaseError(f"cannot use app database {label}: {first_line(exc)}") from None
    try:
        inspector = inspect(engine)
        present = set(inspector.get_table_names())
        missing = [table.name for table in APP_TABLES if table.name not in present]
        if missing:
            raise AppDatabaseError(f"app database {label} has no table(s) {', '.join(missing)}")
        columns = {
            table.name: [column["name"] for column in inspector.get_columns(table.name)] for table in APP_TABLES
        }
    except SQLAlchemyError as exc:
        engine.dispose()
        # OperationalError: the server did not answer or refused the connection (may pass)
        transient = isinstance(exc, OperationalError)
        raise AppDatabaseError(
            f"cannot read app database {label}: {first_line(exc.orig or exc)}", transient=transient
        ) from None
    except AppDatabaseError:
        engine.dispose()
        raise
    return AppDatabase(engine=engine, label=label, columns=columns)


