{#- Delete, in one transaction, the rows of each [relation, condition]; the rows and bytes removed. -#}
{% macro prune_delete(statements) -%}
    {%- set removed = {'rows': 0, 'bytes': 0} -%}
    {%- do marquee_query('begin') -%}
    {%- for relation, condition in statements -%}
        {%- set counted = marquee_query('select count(*), ' ~ deleted_rows_bytes(relation) ~ ' from ' ~ relation
            ~ ' where ' ~ condition) -%}
        {%- do removed.update({'rows': removed.rows + counted.rows[0][0] | int,
            'bytes': removed.bytes + counted.rows[0][1] | int}) -%}
        {%- do marquee_query('delete from ' ~ relation ~ ' where ' ~ condition) -%}
    {%- endfor -%}
    {%- do marquee_query('commit') -%}
    {{ return(removed) }}
{%- endmacro %}
