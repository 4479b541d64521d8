{#-
    `source(source_name, table_name)` when the table exists, else an empty
    relation with the given columns ({name: type}), aliased `alias`. For raw
    tables that appear only once a source has been landed (TMDB, the app):
    the project builds before the first landing, and the lineage still shows
    the source. Staging views are rebuilt every run, so they pick the table up
    as soon as it exists.
-#}
{% macro optional_source(source_name, table_name, columns, alias) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set existing = none -%}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
    {%- endif -%}
    {%- if existing is not none or not execute -%}
        {{ relation }} as {{ alias }}
    {%- else -%}
        (
            select
                {%- for name, data_type in columns.items() %}
                cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
                {%- endfor %}
            where 1 = 0
        ) as {{ alias }}
    {%- endif -%}
{%- endmacro %}
