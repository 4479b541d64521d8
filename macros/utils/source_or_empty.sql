{#-
    `select * from` a source table, or, when the table has not been landed yet,
    an empty relation with the columns its properties file declares (their
    `data_type`, text when none is declared). Lets a warehouse build before a
    source's first landing (TMDB, the app) while the lineage still shows the
    source; staging views are rebuilt every run, so they pick the table up as
    soon as it exists.
-#}
{% macro source_or_empty(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) if execute else relation -%}
    {%- if existing is none -%}
        {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
            | selectattr('name', 'equalto', table_name) | first -%}
        select
            {%- for name, column in node.columns.items() %}
            cast(null as {{ column.data_type or dbt.type_string() }}) as {{ name }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        where 1 = 0
    {%- else -%}
        select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}
