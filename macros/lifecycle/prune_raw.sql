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
      the latest payload per title stays, whatever its age. raw.tmdb_fetch_log (one
      small row per attempt, where the match and the work list read each item's
      latest answers) is kept whole.
    dlt's bookkeeping (_dlt_loads, _dlt_pipeline_state, _dlt_version) is left as
    dlt wrote it: dlt restores pipeline state through it. ops.pruned_loads
    records every pruned load (once), ops.prunes every prune with the loads, rows
    and bytes that went. The space is reclaimed (macro reclaim_space) and one
    line says what went.

    Idempotent: a second prune finds nothing left to remove. Published marts,
    master, history and snapshots are the same as without pruning (tested).
-#}
{% macro prune_raw(keep=none) -%}
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

{#- on-run-end, after publish_marts: prune after a build that held the lock. -#}
{% macro prune_after_publish() -%}
    {%- if execute and flags.WHICH == 'build' and holds_warehouse_lock() -%}
        {%- do prune_raw() -%}
    {%- endif -%}
{%- endmacro %}

{#- When the domain's marts were last published by a full build in which they were not stale
    (a timestamp literal; null before any): loads landed before it are processed. -#}
{% macro processed_watermark(domain) -%}
    {%- if not relation_exists(api.Relation.create(schema='ops', identifier='publications')) -%}
        {{ return('cast(null as timestamp)') }}
    {%- endif -%}
    {{ return("(select max(publications.published_at) from ops.publications as publications
        where coalesce(publications.carried_over, 0) = 0 and not exists (
            select 1 from ops.stale_domains as stale
            where stale.version = publications.version and stale.domain = '" ~ domain ~ "'))") }}
{%- endmacro %}

{#- dlt's load log in raw (a relation, or none before any landing). -#}
{% macro dlt_loads_relation() -%}
    {%- set raw = graph_relation('shows', 'shows') -%}
    {%- set loads = api.Relation.create(database=raw.database, schema=raw.schema, identifier='_dlt_loads') -%}
    {{ return(loads if relation_exists(loads) else none) }}
{%- endmacro %}

{#- Delete, in one transaction, the rows of each [relation, condition]; the rows and bytes removed. -#}
{% macro prune_delete(statements) -%}
    {%- set removed = {'rows': 0, 'bytes': 0} -%}
    {%- do marquee_query('begin') -%}
    {%- for relation, condition in statements -%}
        {%- set counted = marquee_query('select count(*), ' ~ deleted_rows_bytes(relation) ~ ' from ' ~ relation
            ~ ' where ' ~ condition) -%}
        {%- do removed.update({'rows': removed.rows + counted.rows[0][0] | int,
            'bytes': removed.bytes + counted.rows[0][1] | int}) -%}
        {%- do marquee_query('delete from ' ~ relation ~ ' where ' ~ condition) -%}
    {%- endfor -%}
    {%- do marquee_query('commit') -%}
    {{ return(removed) }}
{%- endmacro %}

{#- Record the loads pruned for the first time (rows of load_id, feed fetch time or none); how many. -#}
{% macro record_pruned_loads(source_name, loads) -%}
    {%- set known = marquee_query("select load_id from ops.pruned_loads where source = '" ~ source_name ~ "'")
        .columns[0].values() | list -%}
    {%- set new = [] -%}
    {%- for load_id, fetched_at in loads if load_id not in known -%}
        {%- do new.append(load_id) -%}
        {%- do marquee_query("insert into ops.pruned_loads values ('" ~ source_name ~ "', '" ~ load_id ~ "', "
            ~ ("cast('" ~ fetched_at ~ "' as timestamp)" if fetched_at else "cast(null as timestamp)") ~ ", "
            ~ marquee_utc_now() ~ ")") -%}
    {%- endfor -%}
    {{ return(new | length) }}
{%- endmacro %}

{% macro in_list(values) -%}
    {{ return("('" ~ (values | join("', '")) ~ "')") }}
{%- endmacro %}

{% macro prune_shows_loads(keep) -%}
    {%- set nothing = {'loads': 0, 'rows': 0, 'bytes': 0, 'relations': []} -%}
    {%- set raw = graph_relation('shows', 'shows') -%}
    {%- set ledger = graph_relation('int_show_versions') -%}
    {%- set records = graph_relation('int_show_records_validated') -%}
    {%- for relation in [raw, ledger, records] -%}
        {%- if not relation_exists(relation) -%}
            {{ return(nothing) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set candidates -%}
        with processed as (
            select load_id, valid_from as feed_fetched_at, valid_to as instant
            from {{ ledger }}
            where record_type = 'load' and reconciled_at < {{ processed_watermark('shows') }}
        ),
        ranked as (
            select *, row_number() over (order by instant desc) as recency from processed
        )
        select load_id, feed_fetched_at from ranked
        where recency > {{ keep }}
            and (
                load_id in (select _dlt_load_id from {{ raw }})
                or load_id in (select load_id from {{ records }} where record_status <> 'rejected')
            )
        order by load_id
    {%- endset -%}
    {%- set loads = marquee_query(candidates).rows | list -%}
    {%- if not loads -%}{{ return(nothing) }}{%- endif -%}
    {%- set ids = in_list(loads | map(attribute=0) | list) -%}
    {%- set removed = prune_delete([
        [raw, "_dlt_load_id in " ~ ids],
        [records, "record_status <> 'rejected' and load_id in " ~ ids],
    ]) -%}
    {{ return({'loads': record_pruned_loads('shows', loads), 'rows': removed.rows, 'bytes': removed.bytes,
        'relations': [raw, records]}) }}
{%- endmacro %}

{#- The processed loads of a dlt source (schema name) beyond the newest `keep`, oldest first. -#}
{% macro prunable_dlt_loads(schema_name, domain, keep) -%}
    {%- set dlt_loads = dlt_loads_relation() -%}
    {%- if dlt_loads is none -%}{{ return([]) }}{%- endif -%}
    {%- set candidates -%}
        with processed as (
            select load_id from {{ dlt_loads }}
            where schema_name = '{{ schema_name }}' and status = 0
                and inserted_at at time zone 'UTC' < {{ processed_watermark(domain) }}
        ),
        ranked as (
            select load_id, row_number() over (order by load_id desc) as recency from processed
        )
        select load_id from ranked where recency > {{ keep }} order by load_id
    {%- endset -%}
    {{ return(marquee_query(candidates).columns[0].values() | list) }}
{%- endmacro %}

{% macro prune_app_loads(keep) -%}
    {%- set nothing = {'loads': 0, 'rows': 0, 'bytes': 0, 'relations': []} -%}
    {%- set keys = graph_relation('app', 'app_row_keys') -%}
    {%- set load_ids = prunable_dlt_loads('app', 'app', keep) -%}
    {%- if not load_ids -%}{{ return(nothing) }}{%- endif -%}
    {%- set ids = in_list(load_ids) -%}
    {%- set statements = [] -%}
    {%- set relations = [] -%}
    {%- for table, id_column in app_table_ids() -%}
        {%- set raw = graph_relation('app', 'app_' ~ table) -%}
        {%- if relation_exists(raw) -%}
            {%- do statements.append([raw, "_dlt_load_id in " ~ ids ~ " and _dlt_id not in (select landed_row_id from "
                ~ graph_relation('int_app_' ~ table ~ '_validated') ~ " where landed_row_id is not null)"]) -%}
            {%- do relations.append(raw) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if relation_exists(keys) -%}
        {#- the newest processed load is never pruned (keep >= 1), so neither is any table's
            newest processed snapshot, which the next comparison needs -#}
        {%- do statements.append([keys, "_dlt_load_id in " ~ ids]) -%}
        {%- do relations.append(keys) -%}
    {%- endif -%}
    {%- set removed = prune_delete(statements) -%}
    {%- set loads = [] -%}
    {%- for load_id in load_ids -%}{%- do loads.append([load_id, none]) -%}{%- endfor -%}
    {{ return({'loads': record_pruned_loads('app', loads), 'rows': removed.rows, 'bytes': removed.bytes,
        'relations': relations}) }}
{%- endmacro %}

{% macro prune_tmdb_loads(keep) -%}
    {%- set nothing = {'loads': 0, 'rows': 0, 'bytes': 0, 'relations': []} -%}
    {%- set raw = graph_relation('tmdb', 'tmdb_titles') -%}
    {%- if not relation_exists(raw) -%}
        {{ return(nothing) }}
    {%- endif -%}
    {%- set load_ids = prunable_dlt_loads('tmdb', 'media', keep) -%}
    {%- if not load_ids -%}{{ return(nothing) }}{%- endif -%}
    {%- set replaced = "_dlt_load_id in " ~ in_list(load_ids) ~ " and exists (select 1 from " ~ raw
        ~ " as newer where newer.media_type = " ~ raw.identifier ~ ".media_type and newer.tmdb_id = "
        ~ raw.identifier ~ ".tmdb_id and (newer.fetched_at > " ~ raw.identifier ~ ".fetched_at or (newer.fetched_at = "
        ~ raw.identifier ~ ".fetched_at and newer._dlt_load_id > " ~ raw.identifier ~ "._dlt_load_id)))" -%}
    {%- set removed = prune_delete([[raw, replaced]]) -%}
    {%- set loads = [] -%}
    {%- for load_id in load_ids -%}{%- do loads.append([load_id, none]) -%}{%- endfor -%}
    {{ return({'loads': record_pruned_loads('tmdb', loads), 'rows': removed.rows, 'bytes': removed.bytes,
        'relations': [raw]}) }}
{%- endmacro %}
