{#-
    Text to integer, or null when the text is not a whole number: "95", " 95 ",
    "+95" and "95.0" are 95; "95.5", "ninety", "" are null. Never fails a query.
-#}
{% macro parse_integer(expression) -%}
    case
        when {{ regex_matches('trim(' ~ expression ~ ')', '^[+-]?[0-9]{1,18}(\\.0+)?$') }}
            then cast(split_part(trim({{ expression }}), '.', 1) as bigint)
    end
{%- endmacro %}
