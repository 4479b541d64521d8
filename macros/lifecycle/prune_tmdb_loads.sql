{#-
    Prunes TMDB: of the processed loads beyond the newest `keep`, the payloads that a later
    payload of the same title replaces; the latest payload per title stays, whatever its age.
    raw.tmdb_fetch_log is kept whole. See prune_raw.
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
    {%- set removed = prune_delete([[raw, replaced]]) -%}
    {%- set loads = [] -%}
    {%- for load_id in load_ids -%}{%- do loads.append([load_id, none]) -%}{%- endfor -%}
    {{ return({'loads': record_pruned_loads('tmdb', loads), 'rows': removed.rows, 'bytes': removed.bytes,
        'relations': [raw]}) }}
{%- endmacro %}
