{#- The double-precision floating point type: `double precision` (SQL standard), Spark's `double`. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'marquee')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
