{#-
    ISO 8601 text to a UTC timestamp (without time zone), or null when it is not
    a valid ISO 8601 date-time. A value with an offset (Z, +01:00, -0500, +01)
    is converted from that offset; a value without one is read in `time_zone`
    (an IANA name such as 'Europe/Paris'). Words PostgreSQL would otherwise
    accept ('now', 'epoch', ...) and impossible dates are null. Never fails a query.
-#}
{% macro parse_timestamp_utc(expression, time_zone) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'marquee')(expression, time_zone)) }}
{%- endmacro %}

{% macro postgres__parse_timestamp_utc(expression, time_zone) -%}
    {#- relies on the function that create_udfs() installs -#}
    {{ target.schema }}.marquee_parse_timestamp_utc(trim({{ expression }}), '{{ time_zone }}')
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expression, time_zone) -%}
    case
        when not {{ regex_matches('trim(' ~ expression ~ ')', iso_timestamp_pattern()) }} then null
        when {{ regex_matches('trim(' ~ expression ~ ')', '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then timezone('UTC', try_cast(upper(trim({{ expression }})) as timestamptz))
        else timezone('UTC', timezone('{{ time_zone }}', try_cast(trim({{ expression }}) as timestamp)))
    end
{%- endmacro %}

{#- Spark's cast reads every offset form the pattern admits (an upper-case Z) and gives null,
    never an error, for an impossible date-time; the session's time zone is UTC (marquee/engines/spark.py). -#}
{% macro spark__parse_timestamp_utc(expression, time_zone) -%}
    case
        when not {{ regex_matches('trim(' ~ expression ~ ')', iso_timestamp_pattern()) }} then null
        when {{ regex_matches('trim(' ~ expression ~ ')', '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$') }}
            then cast(upper(trim({{ expression }})) as timestamp)
        else to_utc_timestamp(cast(trim({{ expression }}) as timestamp), '{{ time_zone }}')
    end
{%- endmacro %}

{% macro default__parse_timestamp_utc(expression, time_zone) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('parse_timestamp_utc has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__parse_timestamp_utc') }}{% endif -%}
{%- endmacro %}
