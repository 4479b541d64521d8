{#-
    A JSON text column as the engine's JSON type, ready for json_get / json_get_text
    and the unnesting macros: DuckDB's `json`, PostgreSQL's `jsonb`, Spark's text.
-#}
{% macro parse_json(expression) -%}
    {{ return(adapter.dispatch('parse_json', 'marquee')(expression)) }}
{%- endmacro %}

{% macro postgres__parse_json(expression) -%}
    cast({{ expression }} as jsonb)
{%- endmacro %}

{% macro duckdb__parse_json(expression) -%}
    cast({{ expression }} as json)
{%- endmacro %}

{#- Spark has no JSON type: JSON stays text, read by json_get and the unnesting macros. -#}
{% macro spark__parse_json(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro default__parse_json(expression) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('parse_json has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__parse_json') }}{% endif -%}
{%- endmacro %}
