"""The short human summary that ends `marquee build` and `marquee run`."""

from __future__ import annotations

from marquee.engines import Engine


def counts_text(inserted: int, updated: int, unchanged: int, withdrawn: int, rejected: int, duplicates: int) -> str:
    """The reconcile's counts, as every summary and status line says them."""
    return (
        f"{inserted:,} inserted, {updated:,} updated, {unchanged:,} unchanged, {withdrawn:,} withdrawn, "
        f"{rejected:,} rejected, {duplicates:,} duplicates"
    )


def print_build_summary(target: Engine, invocation_id: str | None) -> None:
    marker = target.placeholder
    rows = target.query(
        "select loads_count, records_count, inserted, updated, unchanged, withdrawn, rejected, duplicates "
        f"from marts.show_reconcile_log where invocation_id = {marker}",
        (invocation_id,),
    )
    if rows:
        loads, records, inserted, updated, unchanged, withdrawn, rejected, duplicates = rows[0]
        counts = counts_text(inserted, updated, unchanged, withdrawn, rejected, duplicates)
        print(f"Reconciled {loads} load{'s' if loads != 1 else ''} ({records:,} records): {counts}.")
    else:
        print("No new show loads to reconcile.")
    if target.relation_exists("marts", "master_shows"):  # a build of a selection (the orchestrator's shows build) may not have made it yet
        totals = target.query("select count(*), count(withdrawn_at) from marts.master_shows")[0]
        print(f"marts.master_shows: {totals[0]:,} shows ({totals[1]:,} withdrawn).")


def print_media_summary(target: Engine) -> None:
    """One line on the TMDB marts: titles, matched shows and link statuses."""
    media, matched, shows = target.query(
        "select (select count(*) from marts.media), "
        "(select count(tmdb_id) from marts.master_shows), (select count(*) from marts.master_shows)",
    )[0]
    statuses = dict(
        target.query("select processed_status, count(*) from marts.media_links group by processed_status")
    )
    links = ", ".join(f"{count:,} {status.lower().replace('_', ' ')}" for status, count in sorted(statuses.items()))
    print(f"marts.media: {media:,} titles; {matched:,} of {shows:,} shows matched to TMDB; media_links: {links or 'none'}.")
