{#-
    `select * from` a source table, or, when the table has not been landed yet,
    an empty relation with the columns its properties file declares (all text,
    `_extracted_at` a timestamp with time zone). Lets a warehouse that has not
    received a source yet build everything else: the source's models are empty.
-#}
{% macro source_or_empty(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) if execute else relation -%}
    {%- if existing is none -%}
        {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
            | selectattr('name', 'equalto', table_name) | first -%}
        select
            {%- for column in node.columns %}
            cast(null as {{ 'timestamp with time zone' if column == '_extracted_at' else dbt.type_string() }})
                as {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        where 1 = 0
    {%- else -%}
        select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}
