{#-
    The relation of a model (`graph_relation('int_show_versions')`) or of a source
    table (`graph_relation('shows', 'shows')`), looked up in dbt's graph: for hooks
    and operations (macros/lifecycle/), where ref() and source() cannot resolve.
-#}
{% macro graph_relation(name, table_name=none) -%}
    {%- if table_name is none -%}
        {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', name) | list -%}
    {%- else -%}
        {%- set nodes = graph.sources.values() | selectattr('source_name', 'equalto', name)
            | selectattr('name', 'equalto', table_name) | list -%}
    {%- endif -%}
    {%- if nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error("graph_relation: no single node named " ~ name ~ ('.' ~ table_name if table_name else '')) }}
    {%- endif -%}
    {%- set node = nodes[0] -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema,
        identifier=node.alias if table_name is none else node.identifier)) }}
{%- endmacro %}
