{#- The current UTC time as a timestamp without time zone. -#}
{% macro marquee_utc_now() -%}
    {{ return(adapter.dispatch('marquee_utc_now', 'marquee')()) }}
{%- endmacro %}

{% macro default__marquee_utc_now() -%}
    {{ return("cast(current_timestamp at time zone 'UTC' as timestamp)") }}
{%- endmacro %}

{#- Spark's session time zone is UTC (marquee/engines/spark.py). -#}
{% macro spark__marquee_utc_now() -%}
    {{ return("current_timestamp()") }}
{%- endmacro %}
