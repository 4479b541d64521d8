{#-
    ISO 8601 calendar date text ("2024-03-01") to a date, or null when it is
    not one or is impossible ("2024-02-30", "", "soon"). Never fails a query:
    it goes through parse_timestamp_utc, which both engines evaluate safely.
-#}
{% macro parse_date(expression) -%}
    case
        when {{ regex_matches('trim(' ~ expression ~ ')', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
            then cast({{ parse_timestamp_utc("trim(" ~ expression ~ ") || 'T00:00:00Z'", 'UTC') }} as date)
    end
{%- endmacro %}
