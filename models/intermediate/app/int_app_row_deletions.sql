-- The deletion ledger of the app: one row per id that a key snapshot no longer
-- lists although the table's previous snapshot did, with when that was seen.
-- Stateful (raw snapshots are pruned, this is not): incremental by load, each
-- build compares only the snapshots landed since the last one with their
-- predecessor; rebuilding it from scratch would forget the deletions whose
-- snapshots are gone, hence full_refresh: false.
{{
    config(
        materialized='incremental',
        incremental_strategy='audited_append',
        full_refresh=false,
        audits={
            'one row per table, id and load': "select source_table, row_id, load_id from __staged__
                group by source_table, row_id, load_id having count(*) > 1",
            'loads are not compared twice': "select load_id from __staged__
                where load_id in (select load_id from __target__)",
        },
        indexes=warehouse_indexes([{'columns': ['source_table', 'row_id']}]),
    )
}}

with

keys as (
    select * from {{ ref('int_app_key_snapshots') }}
),

snapshots as (
    select
        source_table,
        load_id,
        max(extracted_at) as extracted_at
    from keys
    where is_marker
    group by source_table, load_id
),

consecutive as (
    select
        source_table,
        load_id,
        extracted_at,
        lag(load_id) over (partition by source_table order by load_id) as previous_load_id
    from snapshots
),

compared as (
    select * from consecutive
    where previous_load_id is not null
    {% if is_incremental() %}
        and load_id > (select coalesce(max(load_id), '') from {{ this }})
    {% endif %}
),

previous_ids as (
    select distinct
        compared.source_table,
        compared.load_id,
        compared.extracted_at,
        keys.row_id
    from compared
    inner join keys
        on compared.source_table = keys.source_table
            and compared.previous_load_id = keys.load_id
            and not keys.is_marker
),

current_ids as (
    select distinct
        source_table,
        load_id,
        row_id
    from keys
    where not is_marker
),

deleted as (
    select
        previous_ids.source_table,
        previous_ids.row_id,
        previous_ids.load_id,
        previous_ids.extracted_at as deleted_at
    from previous_ids
    left join current_ids
        on previous_ids.source_table = current_ids.source_table
            and previous_ids.load_id = current_ids.load_id
            and previous_ids.row_id = current_ids.row_id
    where current_ids.row_id is null
)

select * from deleted
