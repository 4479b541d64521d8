"""Settings of the show-time feed source."""

# The feed's fields, in the chain's spelling, and the raw column each lands in
# (dlt's snake_case naming of the same name).
FEED_FIELDS: dict[str, str] = {
    "movie_showTime": "movie_show_time",
    "screen_name": "screen_name",
    "is_active": "is_active",
    "movie_ID": "movie_id",
    "movie_title": "movie_title",
    "movie_rating": "movie_rating",
    "movie_length": "movie_length",
    "movie_format": "movie_format",
    "cinema_id": "cinema_id",
    "movie_genere": "movie_genere",
    "movie_image_new": "movie_image_new",
}

# Where the records sit in the document: {"data": {"allShows": [...]}}.
RECORDS_PATH = "data.allShows"

RAW_TABLE = "shows"

# Records per Arrow batch handed to dlt: large enough to amortise per-batch
# overhead, small enough to keep memory flat on a multi-million-row feed.
BATCH_SIZE = 50_000

# Log a progress line every this many records.
PROGRESS_EVERY = 250_000

HTTP_TIMEOUT_SECONDS = 60.0

# A feed URL must be received completely within this many seconds (a server that
# drips bytes would otherwise hold the run for ever); the variable overrides it.
FEED_DEADLINE_SECONDS = 600.0
FEED_DEADLINE_VARIABLE = "MARQUEE_FEED_DEADLINE_SECONDS"

# Deepest nesting a record may have (the record object is level 1). A deeper
# record is not built (its cost grows with its depth): it lands with every field
# null and `_reject_reason` set, and is rejected by dbt with that reason.
MAX_NESTING_DEPTH = 32
