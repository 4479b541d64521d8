{#-
    Write-audit-publish for stateful incremental models: runs the model's
    `audits` config against the staged rows of this build BEFORE they are
    merged, and stops the model (nothing merged, the error names the audit)
    when any audit finds a violating row.

    `audits` is a mapping of a readable name to a SQL query that selects the
    violating rows; in it `__staged__` stands for the staged rows (dbt's temp
    relation) and `__target__` for the current table.
-#}
{% macro run_incremental_audits(arg_dict) %}
    {%- set audits = config.get('audits', {}) -%}
    {%- for name, audit_sql in audits.items() -%}
        {%- set rendered = audit_sql
            | replace('__staged__', arg_dict['temp_relation'] | string)
            | replace('__target__', arg_dict['target_relation'] | string) -%}
        {%- set result = run_query('select count(*) from (' ~ rendered ~ ') as violations') -%}
        {%- set violations = result.columns[0].values()[0] -%}
        {%- if violations > 0 -%}
            {{ exceptions.raise_compiler_error(
                "audit '" ~ name ~ "' failed on the staged rows of " ~ arg_dict['target_relation']
                ~ " (" ~ violations ~ " violating rows); nothing was merged"
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
