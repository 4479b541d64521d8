{#-
    Prunes TMDB, of the processed loads beyond the newest `keep`:
    - raw.tmdb_titles: the payloads that a later payload of the same title replaces; the latest
      payload per title stays, whatever its age;
    - raw.tmdb_changes: the change-list rows that count for no work item
      (int_tmdb_changes_unfetched: latest successes only move later, so such a row never counts
      again), and the marker rows of windows that ended before the last one covered
      (int_tmdb_change_window's last_covered_date: the window model reads no other).
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
    {#- the rows that still count and the last window covered, as the models that read the
        change lists define them (so this rule cannot drift from theirs) -#}
    {%- set unfetched = graph_relation('int_tmdb_changes_unfetched') -%}
    {%- set window = graph_relation('int_tmdb_change_window') -%}
    {%- if relation_exists(changes) and relation_exists(unfetched) and relation_exists(window) -%}
        {%- set row = changes.identifier -%}
        {%- set dead_changes -%}
            _dlt_load_id in {{ in_list(load_ids) }} and (
                (tmdb_id is not null and not exists (
                    select 1 from {{ unfetched }} as counted
                    where counted.media_type = {{ row }}.media_type
                        and counted.tmdb_id = {{ row }}.tmdb_id
                        and counted.window_end = {{ row }}.window_end
                ))
                or (tmdb_id is null and window_end < (select last_covered_date from {{ window }}))
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
