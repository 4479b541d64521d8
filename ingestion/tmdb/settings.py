"""Settings of the TMDB source: where the API is, how hard it may be used, how
often a title is refreshed. Each can be overridden by an environment variable
(named in the comment) so the same code can be pointed at any compatible
server, or tuned, without editing anything."""

from __future__ import annotations

# TMDB_API_BASE_URL: the v3 API root.
API_BASE_URL = "https://api.themoviedb.org/3"

# TMDB_RATE_LIMIT: requests per second the client never exceeds over any 1 s
# window (TMDB's documented ceiling is about 40-50/s per IP).
RATE_LIMIT_PER_SECOND = 40.0
# TMDB_MAX_CONNECTIONS: concurrent requests (and pooled connections).
MAX_CONNECTIONS = 20

# Timeouts in seconds (TMDB_TIMEOUT_SECONDS overrides the read timeout).
CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 15.0

# Retries on 429, 5xx, timeouts, dropped connections and invalid JSON bodies:
# exponential backoff with full jitter, BACKOFF_BASE * 2**attempt capped at
# BACKOFF_MAX, honouring Retry-After; a title gives up after MAX_ATTEMPTS
# requests or once its waits would exceed MAX_TOTAL_WAIT_SECONDS.
MAX_ATTEMPTS = 6  # TMDB_MAX_ATTEMPTS
BACKOFF_BASE_SECONDS = 0.5  # TMDB_BACKOFF_BASE_SECONDS
BACKOFF_MAX_SECONDS = 30.0
MAX_TOTAL_WAIT_SECONDS = 120.0  # TMDB_MAX_TOTAL_WAIT_SECONDS

# Outcomes are landed every this many titles (one dlt load each), so a run
# stopped at any point loses at most one batch of work.
LAND_EVERY_TITLES = 100  # TMDB_LAND_EVERY
# A progress line at most every this many seconds.
PROGRESS_EVERY_SECONDS = 2.0


# One request per title: details with everything appended.
MOVIE_APPEND = "videos,credits,external_ids,release_dates,watch/providers"
TV_APPEND = "videos,credits,external_ids,content_ratings,watch/providers"

# Search: how many candidates of a search are kept with the outcome.
SEARCH_CANDIDATES_KEPT = 5

RAW_TITLES_TABLE = "tmdb_titles"
RAW_FETCH_LOG_TABLE = "tmdb_fetch_log"

# What `ingest tmdb` refreshes before reading the work list: the views over the
# fetch log (all of them: on PostgreSQL replacing a view drops its dependants)
# and the list of needed titles. Views only: cheap, and no show state touched.
WORK_LIST_SELECTORS = ("stg_tmdb__fetch_logs+,config.materialized:view", "int_tmdb_titles_needed")
WORK_LIST_RELATION = "intermediate.int_tmdb_work_list"
