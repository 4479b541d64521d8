{#-
    The incremental materialization on Spark, for the project's audited strategies
    (`audited_append`, `audited_delete_insert` with its `delete_also`), replacing
    dbt-spark's own (which knows neither).

    Plain parquet tables (no Delta, Iceberg or Hudi here) can be appended to or
    overwritten, never deleted from, and a statement cannot overwrite a table it
    reads. So a stateful model is written as a new table and switched:

      1. the model's rows of this build into `<model>__dbt_staged`;
      2. the audits (run_incremental_audits) on them: a violation stops here,
         the model's table untouched;
      3. the next state into `<model>__dbt_next`: the current rows the staged rows
         do not supersede (unique_key, delete_also) plus the staged rows;
      4. the switch: `<model>` renamed to `<model>__dbt_previous`, `__dbt_next`
         renamed to `<model>`, then `__dbt_previous` dropped.

    A kill at any point leaves either the old state or the new one complete:
    recover_state_switches() (on-run-start, before any model compiles) drops
    a `__dbt_next` whose switch had not begun and completes one that had. Each
    build rewrites the whole table: on Spark, a stateful model's cost follows
    its size, not the changes (DuckDB and PostgreSQL delete and insert in place).

    With var `spark_table_format: delta` (Databricks), the table is Delta and the
    staged rows are applied in place (delete, then insert), as on the other engines:
    a documented switch that is not tested here (no Delta runtime locally).
-#}
{% materialization incremental, adapter='spark' -%}
    {%- set strategy = config.get('incremental_strategy') -%}
    {%- if strategy not in ('audited_append', 'audited_delete_insert') -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": incremental strategy " ~ strategy ~ " on Spark: use audited_append or audited_delete_insert (macros/incremental/spark_incremental.sql)") }}
    {%- endif -%}
    {%- set file_format = var('spark_table_format', 'parquet') -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set staged = state_switch_relation(this, 'staged') -%}
    {%- set next = state_switch_relation(this, 'next') -%}
    {%- set existing = load_relation(this) -%}

    {{ run_hooks(pre_hooks) }}

    {%- for leftover in [staged, next] -%}
        {%- do run_query('drop table if exists ' ~ leftover) -%}
    {%- endfor -%}

    {%- if existing is none -%}
        {%- call statement('main') -%}
            create table {{ next }} using {{ file_format }} as {{ compiled_code }}
        {%- endcall -%}
        {%- do adapter.rename_relation(next, target_relation) -%}
    {%- else -%}
        {%- do run_query('create table ' ~ staged ~ ' using ' ~ file_format ~ ' as ' ~ compiled_code) -%}
        {%- do run_incremental_audits({'temp_relation': staged, 'target_relation': target_relation}) -%}
        {%- set unique_key = config.get('unique_key') if strategy == 'audited_delete_insert' else none -%}
        {%- set keys = ([unique_key] if unique_key is string else unique_key) if unique_key else [] -%}
        {%- set delete_also = config.get('delete_also') if strategy == 'audited_delete_insert' else none -%}
        {%- set condition = (delete_also | replace('__staged__', staged | string)) if delete_also else none -%}
        {%- if file_format == 'delta' -%}
            {%- call statement('main') -%}
                {%- if keys %}
                delete from {{ target_relation }} as target where exists (
                    select 1 from {{ staged }} as staged
                    where {% for key in keys %}staged.{{ key }} = target.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
                ){% if condition %} or ({{ condition }}){% endif %};
                {%- endif %}
                insert into {{ target_relation }} select * from {{ staged }}
            {%- endcall -%}
        {%- else -%}
            {%- call statement('main') -%}
                create table {{ next }} using {{ file_format }} as
                select kept.* from (
                    select target.* from {{ target_relation }} as target
                    {%- if keys %}
                    left anti join {{ staged }} as staged
                        on {% for key in keys %}staged.{{ key }} = target.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
                    {%- endif %}
                ) as kept
                {%- if condition %}
                where not coalesce(({{ condition }}), false)
                {%- endif %}
                union all
                select * from {{ staged }}
            {%- endcall -%}
            {%- do switch_state(target_relation, next) -%}
        {%- endif -%}
        {%- do run_query('drop table if exists ' ~ staged) -%}
    {%- endif -%}

    {{ run_hooks(post_hooks) }}
    {%- do persist_docs(target_relation, model) -%}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
