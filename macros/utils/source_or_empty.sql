{#-
    `select * from` a source table, or, when the table has not been landed yet,
    an empty relation with the columns its properties file declares (their
    `data_type`, text when none is declared). Lets a warehouse build before a
    source's first landing (any source: the shows feed, TMDB, the app) while
    the lineage still shows the source; staging views are rebuilt every run, so
    they pick the table up as soon as it exists. A declared column that an
    existing table does not have yet (added to the source after its last
    landing) is selected as null of its type.
-#}
{% macro source_or_empty(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if '__dbt__cte__' in (relation | string) -%}
        {#- a dbt unit test: the source is its fixture -#}
        {{ return('select * from ' ~ relation) }}
    {%- endif -%}
    {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) if execute else relation -%}
    {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first if execute else none -%}
    {%- if existing is none -%}
        select
            {%- for name, column in node.columns.items() %}
            cast(null as {{ sql_type(column.data_type) if column.data_type else dbt.type_string() }}) as {{ name }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        where 1 = 0
    {%- else -%}
        {%- set present = adapter.get_columns_in_relation(existing) | map(attribute='name') | map('lower') | list if execute else [] -%}
        select
            *
            {%- for name, column in (node.columns.items() if node else []) if name | lower not in present %},
            cast(null as {{ sql_type(column.data_type) if column.data_type else dbt.type_string() }}) as {{ name }}
            {%- endfor %}
        from {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- A column type as the properties files write it (portable names), in the engine's SQL. -#}
{% macro sql_type(name) -%}
    {{ return(adapter.dispatch('sql_type', 'marquee')(name)) }}
{%- endmacro %}

{% macro default__sql_type(name) -%}
    {{ return(name) }}
{%- endmacro %}

{% macro spark__sql_type(name) -%}
    {{ return({'text': 'string', 'varchar': 'string', 'double precision': 'double', 'timestamp with time zone': 'timestamp'}.get(name | lower, name)) }}
{%- endmacro %}
