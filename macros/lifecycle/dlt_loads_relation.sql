{#- dlt's load log in raw (a relation, or none before any landing). -#}
{% macro dlt_loads_relation() -%}
    {%- set raw = graph_relation('shows', 'shows') -%}
    {%- set loads = api.Relation.create(database=raw.database, schema=raw.schema, identifier='_dlt_loads') -%}
    {{ return(loads if relation_exists(loads) else none) }}
{%- endmacro %}
