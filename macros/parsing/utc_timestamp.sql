{#-
    A landed time-zone-aware timestamp (dlt writes UTC instants) as a UTC timestamp without
    time zone, the warehouse's one kind of time.
-#}
{% macro utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'marquee')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamp(expression) -%}
    ({{ expression }} at time zone 'UTC')
{%- endmacro %}

{#- Spark's timestamp is an instant shown in the session's time zone, UTC (marquee/engines/spark.py). -#}
{% macro spark__utc_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}
