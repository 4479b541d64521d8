{#-
    Planner settings for the reconcile's large set-based queries, for the rest
    of the model's transaction (a pre-hook). PostgreSQL cannot estimate the
    rows of a CTE used more than once (it has no statistics), so the
    reconcile's joins of a million keys against a million keys were planned as
    nested loops on an estimate of one row (100k shows: over 5 minutes instead
    of 2.5 s); with nested loops off, the inflated cost estimate switched on
    JIT compilation, which took 7 s of a 9 s query. Every join in these models
    is a set join, so hash and merge joins are always the right plan. work_mem
    lets their hash tables stay in memory (var `reconcile_work_mem`). DuckDB
    plans with real cardinalities and needs none of this.

    `merge_joins=false` also rules out merge joins, for a query that joins a
    whole feed to a handful of rows on the same misestimate: PostgreSQL sorted
    the million wide records on disk to merge them with 200 (int_show_records_validated:
    12.0 s, 9.7 s as a hash join, 1M records, EXPLAIN ANALYZE).
-#}
{% macro set_reconcile_planner(merge_joins=true) -%}
    {{ return(adapter.dispatch('set_reconcile_planner', 'marquee')(merge_joins)) }}
{%- endmacro %}

{% macro postgres__set_reconcile_planner(merge_joins) -%}
    set local enable_nestloop = off;
    {%- if not merge_joins %}
    set local enable_mergejoin = off;
    {%- endif %}
    set local jit = off;
    set local work_mem = '{{ var("reconcile_work_mem") }}'
{%- endmacro %}

{% macro duckdb__set_reconcile_planner(merge_joins) -%}
{%- endmacro %}

{% macro default__set_reconcile_planner(merge_joins) -%}
    {#- portable: the engine's own planner settings -#}
{%- endmacro %}
