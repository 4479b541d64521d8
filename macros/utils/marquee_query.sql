{#-
    run_query without dbt's implicit BEGIN: the statement runs in autocommit unless
    inside an explicit `begin` / `commit` sent the same way. For hooks and
    operations that manage their own transactions and run statements that may not
    run in one (VACUUM, CHECKPOINT): run_query in a `dbt run-operation` opens a
    transaction that dbt never commits. Returns the result table.
-#}
{% macro marquee_query(sql) -%}
    {%- call statement('marquee_query', fetch_result=true, auto_begin=false) -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(load_result('marquee_query').table) }}
{%- endmacro %}
