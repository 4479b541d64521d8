{#-
    Text to a double, or null when the text is not a plain decimal number of
    at most 40 characters and a two-digit exponent ("7.5", "-3", "1e3" are
    numbers; "", "n/a", "7,5", "1e400" are null), so the cast can never
    overflow. Never fails a query.
-#}
{% macro parse_number(expression) -%}
    case
        when {{ regex_matches('trim(' ~ expression ~ ')', '^[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]{1,2})?$') }}
            and length(trim({{ expression }})) <= 40
            then cast(trim({{ expression }}) as {{ type_double() }})
    end
{%- endmacro %}
