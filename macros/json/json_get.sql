{#-
    The value at a path of keys (object member names, or array positions from 0) in a JSON
    value, as JSON: `json_get('payload', 'images', 'poster_sizes')`. A missing member or
    position is null. PostgreSQL and DuckDB: the `->` operator; Spark: get_json_object
    (JSON is text there, see parse_json).
-#}
{% macro json_get(expression) -%}
    {{ return(adapter.dispatch('json_get', 'marquee')(expression, varargs, false)) }}
{%- endmacro %}

{#- Like json_get, but the value as text: a string unquoted, a number or boolean as written. -#}
{% macro json_get_text(expression) -%}
    {{ return(adapter.dispatch('json_get', 'marquee')(expression, varargs, true)) }}
{%- endmacro %}

{% macro default__json_get(expression, keys, as_text) -%}
    {%- set steps = [] -%}
    {%- for key in keys -%}
        {%- do steps.append(('->>' if as_text and loop.last else '->') ~ ' ' ~ (key if key is number else "'" ~ key ~ "'")) -%}
    {%- endfor -%}
    {{ return('(' ~ expression ~ ' ' ~ steps | join(' ') ~ ')') }}
{%- endmacro %}

{#- One function for both: a string comes unquoted, an object or array as its JSON text. -#}
{% macro spark__json_get(expression, keys, as_text) -%}
    {%- set path = ['$'] -%}
    {%- for key in keys -%}
        {%- do path.append(('[' ~ key ~ ']') if key is number else ("['" ~ key ~ "']")) -%}
    {%- endfor -%}
    {{ return('get_json_object(' ~ expression ~ ', ' ~ text_literal(path | join('')) ~ ')') }}
{%- endmacro %}
