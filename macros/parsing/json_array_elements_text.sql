{#-
    A set-returning expression for the select list: one row per element of a
    JSON array of strings held as text (`'["US", "CA"]'` gives 'US' and 'CA').
    An empty array or null gives no row. The text must be a JSON array.
-#}
{% macro json_array_elements_text(expression) -%}
    {{ return(adapter.dispatch('json_array_elements_text', 'marquee')(expression)) }}
{%- endmacro %}

{% macro default__json_array_elements_text(expression) -%}
    jsonb_array_elements_text(cast({{ expression }} as jsonb))
{%- endmacro %}

{% macro duckdb__json_array_elements_text(expression) -%}
    unnest(from_json({{ expression }}, '["VARCHAR"]'))
{%- endmacro %}
