{#-
    The `indexes` config of a model, on the engines where indexes pay for
    themselves. PostgreSQL gets them (its joins and deletes by key use them).
    DuckDB gets none: it prunes scans with its own per-block min/max
    statistics, and its ART indexes must be maintained row by row on every
    insert and delete and cannot spill to disk (at 1M shows they cost more
    time than the model's query and most of the build's memory). Uniqueness
    is checked by the models' audits and data tests on both engines.
-#}
{% macro warehouse_indexes(indexes) -%}
    {{ return(adapter.dispatch('warehouse_indexes', 'marquee')(indexes)) }}
{%- endmacro %}

{% macro postgres__warehouse_indexes(indexes) -%}
    {{ return(indexes) }}
{%- endmacro %}

{% macro duckdb__warehouse_indexes(indexes) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro default__warehouse_indexes(indexes) -%}
    {{ return([]) }}
{%- endmacro %}
