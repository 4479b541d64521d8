"""Marquee ingestion: dlt sources that land raw data, and the `marquee` command line."""
