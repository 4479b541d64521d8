{#- The texts of a group joined by `separator` in the order `order_by` (an ORDER BY list). -#}
{% macro ordered_string_agg(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'marquee')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ text_literal(separator) }} order by {{ order_by }})
{%- endmacro %}

{#- Spark 4: the SQL standard's WITHIN GROUP (its default puts nulls first: give them explicitly). -#}
{% macro spark__ordered_string_agg(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ text_literal(separator) }}) within group (order by {{ order_by }})
{%- endmacro %}
