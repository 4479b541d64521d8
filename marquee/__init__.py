"""Marquee's runtime: the CLI, runs, dbt, status and one engine per warehouse."""
