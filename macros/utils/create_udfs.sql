{#-
    Installs the few SQL functions the models need where an engine lacks a
    built-in (run on-run-start; idempotent). PostgreSQL has no try_cast, so
    timestamp parsing gets a function that returns null instead of raising.
    DuckDB needs none.
-#}
{% macro create_udfs() -%}
    {{ return(adapter.dispatch('create_udfs', 'marquee')()) }}
{%- endmacro %}

{% macro postgres__create_udfs() -%}
    create schema if not exists {{ target.schema }};
    create or replace function {{ target.schema }}.marquee_parse_timestamp_utc(value text, time_zone text)
    returns timestamp
    language plpgsql immutable
    as $$
    begin
        if value is null or value !~ '{{ iso_timestamp_pattern() }}' then
            return null;
        end if;
        if value ~ '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$' then
            return upper(value)::timestamptz at time zone 'UTC';
        end if;
        return (value::timestamp at time zone time_zone) at time zone 'UTC';
    exception when others then
        return null;
    end;
    $$;
{%- endmacro %}

{% macro duckdb__create_udfs() -%}
    select 1
{%- endmacro %}

{% macro default__create_udfs() -%}
    {#- portable: nothing to install -#}
{%- endmacro %}
