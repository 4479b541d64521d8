"""Credentials never reach a log line, whatever its level, format or library.

`install()` (called once by the CLI) wraps Python's log record factory, so every
record any library creates (httpx's request lines with their query strings,
dlt, dbt, urllib3, ...) is redacted as it is made, before any handler, filter or
formatter sees it. `redact(text)` removes:

- every value `register()`ed by the code that handles a secret (the TMDB key or
  token, a feed URL's password and query values, the PII key, a database URL's
  password) and the secrets of the environment (`SECRET_VARIABLES`);
- whatever looks like one: a URL's password (`scheme://user:password@`), query
  parameters named like credentials (`api_key=`, `token=`, ...), bearer tokens.

The same function cleans the one-line errors the CLI prints.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from urllib.parse import parse_qsl, urlsplit

SECRET_VARIABLES = (
    "TMDB_API_KEY",
    "TMDB_API_READ_TOKEN",
    "PGPASSWORD",
    "MARQUEE_PII_KEY",
    "MARQUEE_TRIGGER_SECRET",
    "MARQUEE_ALERT_WEBHOOK_URL",
)
MASK = "<redacted>"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words
_PATTERNS = (
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@?#]*:)[^/\s@?#]+@"), r"\1" + MASK + "@"),
    (
        re.compile(
            r"(?i)([?&;](?:api[_-]?key|key|token|access[_-]?token|refresh[_-]?token|id[_-]?token|password|passwd|pwd"
            r"|secret|client[_-]?secret|signature|sig|auth|session)=)[^&\s\"'#<>]+"
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1" + MASK),
)
_registered: set[str] = set()
_lock = threading.Lock()
_installed = False


def register(*secrets: str | None) -> None:
    """Values that must never be shown (empty and very short values are ignored)."""
    with _lock:
        _registered.update(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)


def url_secrets(url: str | None) -> list[str]:
    """What a URL carries that must never be shown: its password and its query values (those
    long enough to be tokens; credential-named parameters are masked whatever their length).
    Nothing for a path."""
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return []
    return [parts.password or ""] + [value for _, value in parse_qsl(parts.query) if len(value) >= 8]


def _secrets() -> list[str]:
    found = set(_registered)
    for name in SECRET_VARIABLES:
        value = os.environ.get(name)
        if value and len(value) >= MIN_SECRET_LENGTH:
            found.add(value)
    return sorted(found, key=len, reverse=True)  # longest first: a secret containing another goes whole


def redact(text: str) -> str:
    for secret in _secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def install() -> None:
    """Redact every log record as it is created (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def redacting_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as logging would show it
            return record
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(formatter.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(redacting_record)
