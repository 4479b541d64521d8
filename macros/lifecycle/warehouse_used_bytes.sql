{#-
    How a prune or an erasure measures the space it frees, one way per engine:
    - DuckDB: warehouse_used_bytes() before and after (used blocks x block size,
      after a checkpoint); deleted_rows_bytes() is 0.
    - PostgreSQL: deleted_rows_bytes(relation), the size of the rows about to be
      deleted (pg_column_size of each row plus its 24-byte tuple header), summed
      with the count; warehouse_used_bytes() is 0 (plain VACUUM makes the space
      reusable but does not shrink the files, so a size difference would show
      nothing).
-#}
{% macro warehouse_used_bytes() -%}
    {{ return(adapter.dispatch('warehouse_used_bytes', 'marquee')()) }}
{%- endmacro %}

{% macro default__warehouse_used_bytes() -%}
    {{ return(0) }}
{%- endmacro %}

{% macro duckdb__warehouse_used_bytes() -%}
    {%- do marquee_query('checkpoint') -%}
    {%- set size = marquee_query('select used_blocks * block_size from pragma_database_size()') -%}
    {{ return(size.columns[0].values()[0] | int) }}
{%- endmacro %}
