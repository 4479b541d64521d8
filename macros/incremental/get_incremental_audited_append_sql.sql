{#-
    Custom incremental strategy `audited_append`: dbt's append, after
    run_incremental_audits() has checked the staged rows.
-#}
{% macro get_incremental_audited_append_sql(arg_dict) %}
    {%- do run_incremental_audits(arg_dict) -%}
    {{ return(get_incremental_append_sql(arg_dict)) }}
{% endmacro %}
