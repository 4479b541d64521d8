{#-
    The relations in `schemas` as rows [schema, name, type], type 'VIEW' or 'BASE TABLE'
    (information_schema's words); a schema that does not exist has none. Through
    marquee_query, so that a hook or an operation opens no transaction.
-#}
{% macro schema_relations(schemas) -%}
    {{ return(adapter.dispatch('schema_relations', 'marquee')(schemas)) }}
{%- endmacro %}

{% macro default__schema_relations(schemas) -%}
    {%- set found = marquee_query("select table_schema, table_name, table_type from information_schema.tables where table_schema in ('"
        ~ schemas | join("', '") ~ "')") -%}
    {%- set rows = [] -%}
    {%- for row in found.rows -%}{%- do rows.append([row[0], row[1], row[2]]) -%}{%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}

{#- Spark has no information_schema: SHOW TABLES lists views too, SHOW VIEWS tells them apart. -#}
{% macro spark__schema_relations(schemas) -%}
    {%- set rows = [] -%}
    {%- for schema in schemas if schema_names_like(schema) -%}
        {%- set views = marquee_query('show views in ' ~ adapter.quote(schema)).columns[1].values() | list -%}
        {%- for row in marquee_query('show tables in ' ~ adapter.quote(schema)).rows if not row[2] -%}
            {%- do rows.append([schema, row[1], 'VIEW' if row[1] in views else 'BASE TABLE']) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}

{#- The names of the schemas matching `pattern`, where `*` is any text (`marts_v*`). -#}
{% macro schema_names_like(pattern) -%}
    {{ return(adapter.dispatch('schema_names_like', 'marquee')(pattern)) }}
{%- endmacro %}

{% macro default__schema_names_like(pattern) -%}
    {%- set found = marquee_query("select schema_name from information_schema.schemata where schema_name like '"
        ~ pattern | replace('*', '%') ~ "'") -%}
    {{ return(found.columns[0].values() | list) }}
{%- endmacro %}

{% macro spark__schema_names_like(pattern) -%}
    {{ return(marquee_query("show schemas like '" ~ pattern ~ "'").columns[0].values() | list) }}
{%- endmacro %}
