{#-
    Does `relation` exist? Asked of information_schema through marquee_query, not
    through adapter.get_relation, whose cache fill opens a dbt transaction that an
    operation never commits (macros/utils/marquee_query.sql).
-#}
{% macro relation_exists(relation) -%}
    {%- set found = marquee_query("select count(*) from information_schema.tables where table_schema = '"
        ~ relation.schema ~ "' and table_name = '" ~ relation.identifier ~ "'") -%}
    {{ return(found.columns[0].values()[0] | int > 0) }}
{%- endmacro %}
