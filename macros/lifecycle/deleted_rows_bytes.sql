{#-
    SQL for the bytes of the rows a delete is about to remove (summed with its count):
    PostgreSQL, pg_column_size of each row plus its 24-byte tuple header; other engines 0
    (DuckDB measures what a prune frees with warehouse_used_bytes() instead).
-#}
{% macro deleted_rows_bytes(relation) -%}
    {{ return(adapter.dispatch('deleted_rows_bytes', 'marquee')(relation)) }}
{%- endmacro %}

{% macro default__deleted_rows_bytes(relation) -%}
    {{ return('0') }}
{%- endmacro %}

{% macro postgres__deleted_rows_bytes(relation) -%}
    {{ return('coalesce(sum(pg_column_size(' ~ relation.identifier ~ '.*) + 24), 0)') }}
{%- endmacro %}
