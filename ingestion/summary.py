"""The short human summary that ends `marquee build` and `marquee run`."""

from __future__ import annotations

from ingestion.settings import Target
from ingestion.warehouse import placeholder, query


def print_build_summary(target: Target, invocation_id: str | None) -> None:
    marker = placeholder(target)
    rows = query(
        target,
        "select loads_count, records_count, inserted, updated, unchanged, withdrawn, rejected, duplicates "
        f"from marts.show_reconcile_log where invocation_id = {marker}",
        (invocation_id,),
    )
    totals = query(
        target,
        "select count(*), count(withdrawn_at) from marts.master_shows",
    )[0]
    if rows:
        loads, records, inserted, updated, unchanged, withdrawn, rejected, duplicates = rows[0]
        print(
            f"Reconciled {loads} load{'s' if loads != 1 else ''} ({records:,} records): "
            f"{inserted:,} inserted, {updated:,} updated, {unchanged:,} unchanged, {withdrawn:,} withdrawn, "
            f"{rejected:,} rejected, {duplicates:,} duplicates."
        )
    else:
        print("No new show loads to reconcile.")
    print(f"marts.master_shows: {totals[0]:,} shows ({totals[1]:,} withdrawn).")


def print_media_summary(target: Target) -> None:
    """One line on the TMDB marts: titles, matched shows and link statuses."""
    media, matched, shows = query(
        target,
        "select (select count(*) from marts.media), "
        "(select count(tmdb_id) from marts.master_shows), (select count(*) from marts.master_shows)",
    )[0]
    statuses = dict(
        query(target, "select processed_status, count(*) from marts.media_links group by processed_status")
    )
    links = ", ".join(f"{count:,} {status.lower().replace('_', ' ')}" for status, count in sorted(statuses.items()))
    print(f"marts.media: {media:,} titles; {matched:,} of {shows:,} shows matched to TMDB; media_links: {links or 'none'}.")
