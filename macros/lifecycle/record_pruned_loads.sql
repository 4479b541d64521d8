{#- Record the loads pruned for the first time (rows of load_id, feed fetch time or none); how many. -#}
{% macro record_pruned_loads(source_name, loads) -%}
    {%- set known = marquee_query("select load_id from ops.pruned_loads where source = '" ~ source_name ~ "'")
        .columns[0].values() | list -%}
    {%- set new = [] -%}
    {%- for load_id, fetched_at in loads if load_id not in known -%}
        {%- do new.append(load_id) -%}
        {%- do marquee_query("insert into ops.pruned_loads values ('" ~ source_name ~ "', '" ~ load_id ~ "', "
            ~ ("cast('" ~ fetched_at ~ "' as timestamp)" if fetched_at else "cast(null as timestamp)") ~ ", "
            ~ marquee_utc_now() ~ ")") -%}
    {%- endfor -%}
    {{ return(new | length) }}
{%- endmacro %}
