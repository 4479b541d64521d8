{#-
    The reference time of the app marts (UTC, timestamp without time zone): an
    invitation still pending after it expires is `expired` as of this time. It is
    the build's start time, or the var `app_as_of` (MARQUEE_AS_OF in the
    environment, ISO 8601) to rebuild as of a fixed time (tests, backfills).
-#}
{% macro app_as_of() -%}
    {%- set fixed = var('app_as_of', '') -%}
    {%- if fixed -%}
        {{ parse_timestamp_utc("'" ~ fixed ~ "'", 'UTC') }}
    {%- else -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
    {%- endif -%}
{%- endmacro %}
