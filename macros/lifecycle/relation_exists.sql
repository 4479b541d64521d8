{#-
    Does `relation` exist? Asked through schema_relations (marquee_query), not
    through adapter.get_relation, whose cache fill opens a dbt transaction that an
    operation never commits (macros/utils/marquee_query.sql).
-#}
{% macro relation_exists(relation) -%}
    {%- for row in schema_relations([relation.schema]) if row[1] == relation.identifier -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}
