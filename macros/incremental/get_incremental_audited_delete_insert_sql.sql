{#-
    Custom incremental strategy `audited_delete_insert`: dbt's delete+insert,
    after run_incremental_audits() has checked the staged rows.
-#}
{% macro get_incremental_audited_delete_insert_sql(arg_dict) %}
    {%- do run_incremental_audits(arg_dict) -%}
    {{ return(get_incremental_delete_insert_sql(arg_dict)) }}
{% endmacro %}
