{#-
    A deterministic key (md5 hex) for a list of column expressions, like
    dbt_utils.generate_surrogate_key: values are cast to text, nulls become a
    sentinel distinct from the empty string, and a separator keeps ('ab', 'c')
    apart from ('a', 'bc'). Also used as the row hash that detects changed
    attributes null-safely.
-#}
{% macro surrogate_key(expressions) -%}
    md5(
        {%- for expression in expressions %}
        coalesce(cast({{ expression }} as {{ dbt.type_string() }}), {{ text_literal('\\x00null') }})
        {%- if not loop.last %} || {{ text_literal('\\x1f') }} ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
