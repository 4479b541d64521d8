{#-
    Prunes the app: of the processed loads beyond the newest `keep`, the rows no validated model
    reads any more (superseded by a later version of the id, or deleted: the deletion ledger keeps
    that) and their key snapshots (each table's newest processed snapshot is in a kept load). The
    rows of an old load that are still current stay. See prune_raw.
-#}
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
