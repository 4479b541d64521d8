{#-
    dbt snapshots on Spark's plain parquet tables (dbt-spark's own needs Delta, Iceberg or
    Hudi): the `check` strategy, written like the stateful incremental models as a new table
    per build switched in by renames (spark_incremental.sql: switch_state, and
    recover_state_switches, which covers snapshots too).

    The same rows as dbt's snapshot on DuckDB and PostgreSQL: a key seen for the first
    time, or whose `check_cols` differ (null-safely) from its current version, gets a new
    version valid from the snapshot time; the version it replaces is closed then. A key
    missing from the source keeps its current version (hard deletes are not tracked, as
    dbt's default). Columns: the source's, then dbt_scd_id, dbt_updated_at,
    dbt_valid_from, dbt_valid_to.
-#}
{% materialization snapshot, adapter='spark' -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- set check_cols = config.get('check_cols') -%}
    {%- if config.get('strategy') != 'check' or check_cols is string -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": on Spark a snapshot uses strategy 'check' with a list of check_cols (macros/incremental/spark_snapshot.sql)") }}
    {%- endif -%}
    {%- set file_format = var('spark_table_format', 'parquet') -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set next = state_switch_relation(this, 'next') -%}
    {%- set existing = load_relation(this) -%}
    {%- set now = 'current_timestamp()' -%}
    {%- set scd_id = "md5(coalesce(cast(source." ~ unique_key ~ " as string), '') || '|' || coalesce(cast(" ~ now ~ " as string), ''))" -%}

    {{ run_hooks(pre_hooks) }}
    {%- do run_query('create schema if not exists ' ~ adapter.quote(this.schema)) -%}
    {%- do run_query('drop table if exists ' ~ next) -%}

    {%- call statement('main') -%}
        create table {{ next }} using {{ file_format }} as
        with source as (
            {{ compiled_code }}
        )
        {%- if existing is none %}
        select source.*, {{ scd_id }} as dbt_scd_id, {{ now }} as dbt_updated_at,
            {{ now }} as dbt_valid_from, cast(null as timestamp) as dbt_valid_to
        from source
        {%- else %},
        current_versions as (
            select * from {{ target_relation }} where dbt_valid_to is null
        ),
        changed as (
            select source.*
            from source
            left join current_versions on source.{{ unique_key }} = current_versions.{{ unique_key }}
            where current_versions.{{ unique_key }} is null
                {%- for column in check_cols %}
                or not (source.{{ column }} <=> current_versions.{{ column }})
                {%- endfor %}
        )
        select
            {%- for column in adapter.get_columns_in_relation(target_relation) if column.name != 'dbt_valid_to' %}
            history.{{ column.name }},
            {%- endfor %}
            case
                when history.dbt_valid_to is null and changed.{{ unique_key }} is not null then {{ now }}
                else history.dbt_valid_to
            end as dbt_valid_to
        from {{ target_relation }} as history
        left join changed on history.{{ unique_key }} = changed.{{ unique_key }}
        union all
        select source.*, {{ scd_id }} as dbt_scd_id, {{ now }} as dbt_updated_at,
            {{ now }} as dbt_valid_from, cast(null as timestamp) as dbt_valid_to
        from changed as source
        {%- endif %}
    {%- endcall -%}

    {%- if existing is none -%}
        {%- do adapter.rename_relation(next, target_relation) -%}
    {%- else -%}
        {%- do switch_state(target_relation, next) -%}
    {%- endif -%}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
