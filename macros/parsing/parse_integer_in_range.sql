{#-
    Text to an `integer` (32-bit), or null when it is not a whole number (see
    parse_integer) or lies outside [low, high]: a value too big for the column
    is null, never an overflow error. Never fails a query.
-#}
{% macro parse_integer_in_range(expression, low, high) -%}
    case
        when {{ parse_integer(expression) }} between {{ low }} and {{ high }}
            then cast({{ parse_integer(expression) }} as integer)
    end
{%- endmacro %}
