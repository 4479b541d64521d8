{#-
    Custom incremental strategy `audited_delete_insert`: dbt's delete+insert,
    after run_incremental_audits() has checked the staged rows.

    Optional config `delete_also`: a condition on the target's rows (in which
    `__staged__` stands for the staged rows) selecting rows that the staged
    rows supersede without sharing their key; they are deleted in the same
    statement batch, before the delete+insert (the reconcile's replay uses it
    to remove the versions that a back-filled feed no longer produces).
-#}
{% macro get_incremental_audited_delete_insert_sql(arg_dict) %}
    {%- do run_incremental_audits(arg_dict) -%}
    {%- set merge_sql = get_incremental_delete_insert_sql(arg_dict) -%}
    {%- set delete_also = config.get('delete_also') -%}
    {%- if delete_also -%}
        {%- set condition = delete_also | replace('__staged__', arg_dict['temp_relation'] | string) -%}
        {%- set merge_sql = 'delete from ' ~ arg_dict['target_relation'] ~ ' where ' ~ condition ~ ';\n' ~ merge_sql -%}
    {%- endif -%}
    {{ return(merge_sql) }}
{% endmacro %}
