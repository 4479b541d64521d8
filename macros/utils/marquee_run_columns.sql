{#-
    The columns that stamp a row with the dbt invocation that wrote it:
    `reconciled_at` (the run's start, UTC, to the microsecond: two builds never
    share it, so it orders what each build wrote) and `invocation_id`.
-#}
{% macro marquee_run_columns() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp) as reconciled_at,
    cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id
{%- endmacro %}
