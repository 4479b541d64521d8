{#-
    Raw stays bounded: remove what no model will read again from the raw loads
    of every source but the newest `keep` processed ones (var keep_loads,
    MARQUEE_KEEP_LOADS, default 3; 0 keeps everything).

    Runs after every `dbt build` that published (on-run-end, after
    publish_marts), and as `dbt run-operation prune_raw --args '{keep: N}'`
    (`marquee prune`). A load is *processed* when a full build published its
    domain after it landed without the domain going stale (ops.publications,
    ops.stale_domains); pending loads (landed since) are never touched, nor
    counted among the kept ones. What goes, per source:
    - shows: the records of loads the reconcile ledger holds (int_show_versions'
      load rows), in fetch order: their raw rows and their accepted and duplicate
      rows in int_show_records_validated (rejected ones stay: rejected_shows
      lists them). A feed fetched before the newest pruned one cannot be
      reconciled any more (its replay would need them): `marquee ingest shows`
      refuses it (ops.pruned_loads keeps the fetch times).
    - app: the rows of old loads that are no longer current (superseded by a
      later version, or deleted: the deletion ledger int_app_row_deletions keeps
      that), and their key snapshots, except each table's newest processed one.
    - tmdb: payloads of a title that a later payload of the same title replaces;
      the latest payload per title stays, whatever its age; change-list rows that no
      work item can count again, and the markers of windows before the last covered
      one. raw.tmdb_fetch_log (one small row per attempt, where the match and the work
      list read each item's latest answers) is kept whole.
    dlt's bookkeeping (_dlt_loads, _dlt_pipeline_state, _dlt_version) is left as
    dlt wrote it: dlt restores pipeline state through it. ops.pruned_loads
    records every pruned load (once), ops.prunes every prune with the loads, rows
    and bytes that went. The space is reclaimed (macro reclaim_space) and one
    line says what went.

    Idempotent: a second prune finds nothing left to remove. Published marts,
    master, history and snapshots are the same as without pruning (tested).
-#}
{% macro prune_raw(keep=none) -%}
    {{ return(adapter.dispatch('prune_raw', 'marquee')(keep)) }}
{%- endmacro %}

{#- Spark: raw is parquet files per load in the lake; pruning them is not built yet (issue 15's notes). -#}
{% macro spark__prune_raw(keep=none) -%}
    {%- if execute -%}{%- do log('marquee: raw pruning is not available on Spark yet: every raw load is kept', info=true) -%}{%- endif -%}
{%- endmacro %}

{% macro default__prune_raw(keep=none) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set keep = (var('keep_loads') if keep is none else keep) | int -%}
    {%- if keep <= 0 -%}
        {%- do log('marquee: keep_loads is 0: every raw load is kept', info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set own_lock = not holds_warehouse_lock() -%}
    {%- if own_lock -%}{%- do acquire_warehouse_lock() -%}{%- endif -%}
    {%- do marquee_query("create schema if not exists ops") -%}
    {%- do marquee_query("create table if not exists ops.pruned_loads (source varchar, load_id varchar, "
        ~ "feed_fetched_at timestamp, pruned_at timestamp)") -%}
    {%- do marquee_query("create table if not exists ops.prunes (pruned_at timestamp, keep_loads integer, "
        ~ "loads_pruned integer, rows_removed bigint, bytes_freed bigint)") -%}
    {%- set bytes_before = warehouse_used_bytes() -%}
    {%- set totals = {'loads': 0, 'rows': 0, 'bytes': 0} -%}
    {%- set touched = [] -%}
    {%- for prune in [prune_shows_loads, prune_app_loads, prune_tmdb_loads] -%}
        {%- set pruned = prune(keep) -%}
        {%- do totals.update({'loads': totals.loads + pruned.loads, 'rows': totals.rows + pruned.rows,
            'bytes': totals.bytes + (pruned.bytes or 0)}) -%}
        {%- do touched.extend(pruned.relations) -%}
    {%- endfor -%}
    {%- if touched -%}{%- do reclaim_space(touched) -%}{%- endif -%}
    {%- set freed = [bytes_before - warehouse_used_bytes(), 0] | max + totals.bytes -%}
    {%- do marquee_query("insert into ops.prunes values (" ~ marquee_utc_now() ~ ", " ~ keep ~ ", " ~ totals.loads
        ~ ", " ~ totals.rows ~ ", " ~ freed ~ ")") -%}
    {%- do log('marquee: pruned ' ~ totals.loads ~ ' raw load(s), ' ~ totals.rows ~ ' rows, '
        ~ (freed / 1048576) | round(1) ~ ' MiB (keeping ' ~ keep ~ ' processed loads per source)', info=true) -%}
    {%- if own_lock -%}{%- do release_warehouse_lock() -%}{%- endif -%}
{%- endmacro %}
