{#-
    A lateral join producing one row per member of a JSON object, for a `from`
    clause: `{{ json_object_entries('t.doc -> ''results''', 'region') }}` gives
    `region.key` (text) and `region.value` (JSON). A missing or null object
    yields no rows. DuckDB: json_each; PostgreSQL: jsonb_each.
-#}
{% macro json_object_entries(expression, alias) -%}
    {{ return(adapter.dispatch('json_object_entries', 'marquee')(expression, alias)) }}
{%- endmacro %}

{% macro postgres__json_object_entries(expression, alias) -%}
    cross join lateral jsonb_each(
        case when jsonb_typeof({{ expression }}) = 'object' then {{ expression }} else '{}'::jsonb end
    ) as {{ alias }} (key, value)
{%- endmacro %}

{% macro duckdb__json_object_entries(expression, alias) -%}
    cross join json_each(
        case when json_type({{ expression }}) = 'OBJECT' then {{ expression }} else '{}'::json end
    ) as {{ alias }}
{%- endmacro %}

{#- Spark: explode of the object read as a map of member names to JSON texts; anything but an
    object reads as null, which explodes to no rows. -#}
{% macro spark__json_object_entries(expression, alias) -%}
    cross join lateral (
        select
            key,
            value
        from (select explode(from_json({{ expression }}, 'map<string,string>')))
    ) as {{ alias }}
{%- endmacro %}

{% macro default__json_object_entries(expression, alias) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('json_object_entries has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__json_object_entries') }}{% endif -%}
{%- endmacro %}
