{#-
    `value` as a SQL string literal whose content is exactly `value`: quotes doubled
    everywhere, and on Spark, which reads a backslash in a literal as an escape, each
    backslash doubled too (so '\x1f' is the same four characters on every engine).
-#}
{% macro text_literal(value) -%}
    {{ return(adapter.dispatch('text_literal', 'marquee')(value)) }}
{%- endmacro %}

{% macro default__text_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(value) -%}
    '{{ value | replace('\\', '\\\\') | replace("'", "''") }}'
{%- endmacro %}
