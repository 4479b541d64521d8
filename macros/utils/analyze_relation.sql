{#-
    Refresh the planner statistics of a relation after a model wrote it (a
    post-hook). On PostgreSQL a freshly created or appended table has none
    until autovacuum gets to it, and the reconcile's plan depends on them: with
    the current-version count of int_show_versions estimated at 1 row, the
    withdrawal anti-join became a nested loop (20k shows: 74 s instead of
    0.35 s). DuckDB keeps its statistics up to date itself.
-#}
{% macro analyze_relation(relation) -%}
    {{ return(adapter.dispatch('analyze_relation', 'marquee')(relation)) }}
{%- endmacro %}

{% macro postgres__analyze_relation(relation) -%}
    analyze {{ relation }}
{%- endmacro %}

{% macro duckdb__analyze_relation(relation) -%}
    select 1
{%- endmacro %}

{% macro default__analyze_relation(relation) -%}
    {#- portable: no statistics step -#}
{%- endmacro %}
