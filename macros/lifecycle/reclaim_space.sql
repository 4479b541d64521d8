{#-
    Give the space of deleted rows back after a prune or an erasure.
    PostgreSQL: plain VACUUM (ANALYZE) of the touched tables: the space is reused by
    later loads, readers are never blocked (VACUUM FULL would return it to the OS
    at the price of an exclusive lock). DuckDB: a CHECKPOINT, which frees the
    blocks of deleted rows for reuse. dbt hooks and operations run in autocommit,
    which VACUUM requires.
-#}
{% macro reclaim_space(relations) -%}
    {{ return(adapter.dispatch('reclaim_space', 'marquee')(relations)) }}
{%- endmacro %}

{% macro default__reclaim_space(relations) -%}
    {#- at execution only: a project that does not build a model using it still parses -#}
    {%- if execute %}{{ exceptions.raise_compiler_error("reclaim_space has no implementation for " ~ target.type) }}{% endif -%}
{%- endmacro %}

{% macro duckdb__reclaim_space(relations) -%}
    {%- do marquee_query('checkpoint') -%}
{%- endmacro %}

{% macro postgres__reclaim_space(relations) -%}
    {%- for relation in relations | unique -%}
        {%- do marquee_query('vacuum (analyze) ' ~ relation) -%}
    {%- endfor -%}
{%- endmacro %}
