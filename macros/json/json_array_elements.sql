{#-
    A lateral join producing one row per element of a JSON array, for a
    `from` clause: `from t {{ json_array_elements('t.doc -> ''genres''', 'genre') }}`
    gives `genre.value` (JSON) and `genre.element_index` (1-based position in
    the array). A missing or null array yields no rows.
    DuckDB: json_each (implicitly lateral); PostgreSQL: jsonb_array_elements.
-#}
{% macro json_array_elements(expression, alias) -%}
    {{ return(adapter.dispatch('json_array_elements', 'marquee')(expression, alias)) }}
{%- endmacro %}

{% macro postgres__json_array_elements(expression, alias) -%}
    cross join lateral jsonb_array_elements(
        case when jsonb_typeof({{ expression }}) = 'array' then {{ expression }} else '[]'::jsonb end
    ) with ordinality as {{ alias }} (value, element_index)
{%- endmacro %}

{% macro duckdb__json_array_elements(expression, alias) -%}
    cross join (
        select
            elements.value,
            cast(elements.key as bigint) + 1 as element_index
        from json_each(
            case when json_type({{ expression }}) = 'ARRAY' then {{ expression }} else '[]'::json end
        ) as elements
    ) as {{ alias }}
{%- endmacro %}

{#- Spark: posexplode of the array read as JSON texts (an element that is a string comes
    unquoted); anything but an array reads as null, which explodes to no rows. -#}
{% macro spark__json_array_elements(expression, alias) -%}
    cross join lateral (
        select
            pos + 1 as element_index,
            col as value
        from (select posexplode(from_json({{ expression }}, 'array<string>')))
    ) as {{ alias }}
{%- endmacro %}

{% macro default__json_array_elements(expression, alias) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error('json_array_elements has no implementation for ' ~ target.type ~ ': add ' ~ target.type ~ '__json_array_elements') }}{% endif -%}
{%- endmacro %}
