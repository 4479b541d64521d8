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

# How a feed is read (batch size, progress, HTTP timeout, deadline, nesting depth) is set in
# .dlt/config.toml, section [sources.shows]. The documented variable below overrides the deadline.
FEED_DEADLINE_VARIABLE = "MARQUEE_FEED_DEADLINE_SECONDS"
