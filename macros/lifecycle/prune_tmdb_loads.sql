{#-
    Prunes TMDB, of the processed loads beyond the newest `keep`:
    - raw.tmdb_titles: the payloads that a later payload of the same title replaces; the latest
      payload per title stays, whatever its age;
    - raw.tmdb_changes: the change-list rows no model can read again. A title's row counts for a
      work item while the item's latest success is that title, fetched on a day before the
      window's end (int_tmdb_work_list); latest successes only move later, so a row no item
      counts it for now never counts again. Of the marker rows (the windows read), those of
      windows that ended before the last covered one go (int_tmdb_change_window reads only that).
    raw.tmdb_fetch_log is kept whole (the matches and the work list read every item's latest
    answers). See prune_raw.
-#}
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
    {%- set statements = [[raw, replaced]] -%}
    {%- set relations = [raw] -%}
    {%- set changes = graph_relation('tmdb', 'tmdb_changes') -%}
    {%- set fetch_log = graph_relation('tmdb', 'tmdb_fetch_log') -%}
    {%- if relation_exists(changes) and relation_exists(fetch_log) -%}
        {%- set row = changes.identifier -%}
        {%- set dead_changes -%}
            _dlt_load_id in {{ in_list(load_ids) }} and (
                (tmdb_id is not null and not exists (
                    select 1 from (
                        select
                            tmdb_id,
                            media_type,
                            attempted_at,
                            row_number() over (partition by work_item_id order by attempted_at desc) as recency
                        from {{ fetch_log }}
                        where status = 'success'
                    ) as latest
                    where latest.recency = 1
                        and latest.tmdb_id = {{ row }}.tmdb_id
                        and latest.media_type = {{ row }}.media_type
                        and cast(latest.attempted_at at time zone 'UTC' as date) < {{ row }}.window_end
                ))
                or (tmdb_id is null and window_end < (
                    select max(covered.window_end) from (
                        select window_end from {{ changes }}
                        where tmdb_id is null
                            and window_end <= cast(current_timestamp at time zone 'UTC' as date)
                        group by window_end
                        having count(distinct media_type) = 2
                    ) as covered
                ))
            )
        {%- endset -%}
        {%- do statements.append([changes, dead_changes]) -%}
        {%- do relations.append(changes) -%}
    {%- endif -%}
    {%- set removed = prune_delete(statements) -%}
    {%- set loads = [] -%}
    {%- for load_id in load_ids -%}{%- do loads.append([load_id, none]) -%}{%- endfor -%}
    {{ return({'loads': record_pruned_loads('tmdb', loads), 'rows': removed.rows, 'bytes': removed.bytes,
        'relations': relations}) }}
{%- endmacro %}
