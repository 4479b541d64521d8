{#-
    Text to integer, or null when the text is not a whole number: "95", " 95 ",
    "+95" and "95.0" are 95; "95.5", "ninety", "" are null. Never fails a query.
-#}
{% macro parse_integer(expression) -%}
    {{ return(adapter.dispatch('parse_integer', 'marquee')(expression)) }}
{%- endmacro %}

{% macro default__parse_integer(expression) -%}
    case
        when {{ regex_matches('trim(' ~ expression ~ ')', '^[+-]?[0-9]{1,18}(\\.0+)?$') }}
            then cast(split_part(trim({{ expression }}), '.', 1) as bigint)
    end
{%- endmacro %}

{#- PostgreSQL evaluates a regular expression per row (about 1 us): plain digits, the common
    case, are told by translate() first. -#}
{% macro postgres__parse_integer(expression) -%}
    case
        when length(trim({{ expression }})) between 1 and 18 and translate(trim({{ expression }}), '0123456789', '') = ''
            then cast(trim({{ expression }}) as bigint)
        when {{ regex_matches('trim(' ~ expression ~ ')', '^[+-]?[0-9]{1,18}(\\.0+)?$') }}
            then cast(split_part(trim({{ expression }}), '.', 1) as bigint)
    end
{%- endmacro %}
