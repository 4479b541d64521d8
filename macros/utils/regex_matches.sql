{#- True when `expression` matches the regular expression `pattern` (a SQL string literal's content). -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'marquee')(expression, pattern)) }}
{%- endmacro %}

{% macro postgres__regex_matches(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('regex_matches has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__regex_matches') }}{% endif -%}
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ text_literal(pattern) }})
{%- endmacro %}
