{#-
    The feed's flag spellings to a boolean, in any case and with surrounding
    blanks: 1/true/t/yes/y are true, 0/false/f/no/n are false, anything else
    (including null) is null.
-#}
{% macro parse_boolean(expression) -%}
    case
        when lower(trim({{ expression }})) in ('1', 'true', 't', 'yes', 'y') then true
        when lower(trim({{ expression }})) in ('0', 'false', 'f', 'no', 'n') then false
    end
{%- endmacro %}
