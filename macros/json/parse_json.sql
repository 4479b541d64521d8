{#-
    A JSON text column as the engine's JSON type, ready for the `->` / `->>`
    operators both engines share (`->` keeps JSON, `->>` gives text; a key or
    an array index): DuckDB's `json`, PostgreSQL's `jsonb`.
-#}
{% macro parse_json(expression) -%}
    {{ return(adapter.dispatch('parse_json', 'marquee')(expression)) }}
{%- endmacro %}

{% macro default__parse_json(expression) -%}
    cast({{ expression }} as jsonb)
{%- endmacro %}

{% macro duckdb__parse_json(expression) -%}
    cast({{ expression }} as json)
{%- endmacro %}
