"""Settings of the watch-list app source: which tables and columns may land.

The contract is the app's export format (app_export_format.md, summarised in
ingestion/app/README.md). Secure by default: a column lands only when it is on
`ALLOWED_COLUMNS` for its table; anything else the app sends (a new column, a
secret) is dropped at extraction and named in one warning line per table.
Emails never land: they are replaced at extraction by a keyed pseudonym
(HMAC-SHA256) in `<column>Pseudonym`.
"""

from __future__ import annotations

from dataclasses import dataclass
@dataclass(frozen=True)
class AppTable:
    """One table of the app as Marquee lands it."""

    name: str
    # Columns that land as they are (values as text), in the app's camelCase.
    columns: tuple[str, ...]
    # Email columns: read, replaced by `<column>Pseudonym`, never landed.
    pseudonymised: tuple[str, ...] = ()
    # The change cursor of the database path (None: the table has no updatedAt).
    cursor: str | None = None
    # Columns holding the id of a user or a family, and which: an erased user's (or their owned
    # family's) rows are suppressed at extraction by these (see `rows.Suppression`).
    references: tuple[tuple[str, str], ...] = ()

    @property
    def raw_table(self) -> str:
        return f"app_{self.name}"

    @property
    def read_columns(self) -> tuple[str, ...]:
        """What is selected from the source: the allowlist plus the emails to pseudonymise."""
        return self.columns + self.pseudonymised

    @property
    def landed_columns(self) -> tuple[str, ...]:
        return self.columns + tuple(f"{column}Pseudonym" for column in self.pseudonymised)

    @property
    def key_columns(self) -> tuple[str, ...]:
        """What the key snapshot reads: the id, and the references that decide suppression."""
        return ("id",) + tuple(column for column, _ in self.references if column != "id")


# The tables that land, in load order. `id` is the primary key of every table.
APP_TABLES: tuple[AppTable, ...] = (
    AppTable(
        "users", ("id", "username", "createdAt", "updatedAt"), ("email",), "updatedAt", (("id", "users"),)
    ),
    AppTable(
        "profiles",
        ("id", "userId", "displayName", "country", "locale", "preferences", "createdAt", "updatedAt"),
        cursor="updatedAt",
        references=(("userId", "users"),),
    ),
    AppTable(
        "media_items",
        ("id", "tmdbId", "tmdbType", "title", "releaseDate", "genres", "creators", "posterPath", "createdAt",
         "updatedAt"),
        cursor="updatedAt",
    ),
    AppTable(
        "watchlist_entries",
        ("id", "userId", "mediaItemId", "status", "rating", "notes", "priority", "addedAt", "updatedAt"),
        cursor="updatedAt",
        references=(("userId", "users"),),
    ),
    AppTable(
        "reactions",
        ("id", "userId", "mediaItemId", "rating", "watched", "createdAt", "updatedAt"),
        cursor="updatedAt",
        references=(("userId", "users"),),
    ),
    AppTable(
        "streaming_providers",
        ("id", "mediaItemId", "provider", "regions", "url", "createdAt", "updatedAt"),
        cursor="updatedAt",
    ),
    AppTable(
        "families", ("id", "name", "ownerId", "createdAt", "updatedAt"), cursor="updatedAt",
        references=(("id", "families"), ("ownerId", "users")),
    ),
    AppTable(
        "family_memberships", ("id", "familyId", "userId", "role", "joinedAt"),
        references=(("familyId", "families"), ("userId", "users")),
    ),
    AppTable(
        "family_invitations",
        ("id", "familyId", "invitedById", "status", "expiresAt", "createdAt", "respondedAt"),
        ("email",),
        references=(("familyId", "families"), ("invitedById", "users")),
    ),
    AppTable(
        "recommendations",
        ("id", "fromUserId", "toUserId", "mediaItemId", "message", "status", "createdAt", "respondedAt"),
        references=(("fromUserId", "users"), ("toUserId", "users")),
    ),
)

TABLES_BY_NAME: dict[str, AppTable] = {table.name: table for table in APP_TABLES}

# Named here so that nobody adds them to an allowlist by accident: they never land.
NEVER_LAND: dict[str, tuple[str, ...]] = {
    "users": ("passwordHash", "email"),
    "family_invitations": ("token", "email"),
    "sessions": ("token",),
    "refresh_tokens": ("token",),
}

# Tables of the contract that are not landed at all: their only content beyond
# the secret tokens is login bookkeeping that no mart needs. Never read.
NOT_LANDED_TABLES: tuple[str, ...] = ("sessions", "refresh_tokens")

# Environment variable with the HMAC key for email pseudonyms (or dlt secret sources.app.pii_key).
PII_KEY_ENV = "MARQUEE_PII_KEY"
PII_KEY_SECRET = "sources.app.pii_key"

# The fixed, public key of the bundled sample run ONLY (its emails are fake):
# documented in data/sample/app/README.md. Never use it for real data.
SAMPLE_DEMO_PII_KEY = "marquee-sample-demo-key-not-a-secret"

# The key snapshot: every run lands the ids present in each app table (a marker row with a null id
# per table, then one row per id), so dbt can tell a deleted row from an unchanged one.
KEYS_TABLE = "app_row_keys"

# Rows per batch read from a database, and per batch of an export file.
CHUNK_SIZE = 10_000
EXPORT_BATCH_SIZE = 5_000
