-- The app rows deleted now: one row per table and id whose latest deletion
-- (int_app_row_deletions) no later key snapshot undid. The one place that rule
-- lives: the cascades (macro app_deleted_ids) and the counts (app_deletions)
-- read it.
with

deletions as (
    select * from {{ ref('int_app_row_deletions') }}
),

keys as (
    select * from {{ ref('int_app_key_snapshots') }}
),

still_deleted as (
    select
        deletions.source_table,
        deletions.row_id,
        max(deletions.deleted_at) as deleted_at
    from deletions
    where not exists (
            select 1 as present from keys
            where keys.source_table = deletions.source_table
                and keys.row_id = deletions.row_id
                and keys.load_id > deletions.load_id
        )
    group by deletions.source_table, deletions.row_id
)

select * from still_deleted
