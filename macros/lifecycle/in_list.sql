{% macro in_list(values) -%}
    {{ return("('" ~ (values | join("', '")) ~ "')") }}
{%- endmacro %}
