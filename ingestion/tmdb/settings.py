"""Constants of the TMDB source. What may be tuned (the API root, the rate limit,
connections, timeouts, retries, landing batch, progress) is in .dlt/config.toml,
section [sources.tmdb], overridable by dlt's environment variables
(SOURCES__TMDB__RATE, ...) and by the documented TMDB_* variables."""

from __future__ import annotations

# One request per title: details with everything appended.
MOVIE_APPEND = "videos,credits,external_ids,release_dates,watch/providers"
TV_APPEND = "videos,credits,external_ids,content_ratings,watch/providers"

# Search: how many candidates of a search are kept with the outcome.
SEARCH_CANDIDATES_KEPT = 5

RAW_TITLES_TABLE = "tmdb_titles"
RAW_FETCH_LOG_TABLE = "tmdb_fetch_log"

RAW_CHANGES_TABLE = "tmdb_changes"
RAW_CONFIGURATION_TABLE = "tmdb_configuration"

# TMDB's change lists: the ids changed in a start_date..end_date window of at most 14 days
# (dbt var tmdb_change_list_max_days decides the window; this is the API's own path per type).
CHANGE_LIST_PATHS = {"movie": "movie/changes", "tv": "tv/changes"}
# Pages of a change list read at most (100 ids each): a bound on a hostile or broken answer.
CHANGE_LIST_MAX_PAGES = 500
