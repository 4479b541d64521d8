{#-
    The text of a JSON scalar (a string element of an array, say): `"US"` gives
    US. PostgreSQL: `#>> '{}'`; DuckDB: json_extract_string at the root.
-#}
{% macro json_scalar_text(expression) -%}
    {{ return(adapter.dispatch('json_scalar_text', 'marquee')(expression)) }}
{%- endmacro %}

{% macro postgres__json_scalar_text(expression) -%}
    ({{ expression }} #>> '{}')
{%- endmacro %}

{% macro duckdb__json_scalar_text(expression) -%}
    json_extract_string({{ expression }}, '$')
{%- endmacro %}

{#- Spark: the values json_array_elements and json_get give are texts already (strings unquoted). -#}
{% macro spark__json_scalar_text(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro default__json_scalar_text(expression) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('json_scalar_text has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__json_scalar_text') }}{% endif -%}
{%- endmacro %}
