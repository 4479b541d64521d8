{#-
    A JSON text column as the engine's JSON type, ready for the `->` / `->>`
    operators both engines share (`->` keeps JSON, `->>` gives text; a key or
    an array index): DuckDB's `json`, PostgreSQL's `jsonb`.
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

{% macro default__parse_json(expression) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('parse_json has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__parse_json') }}{% endif -%}
{%- endmacro %}
