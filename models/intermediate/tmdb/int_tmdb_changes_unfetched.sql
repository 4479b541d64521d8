-- The TMDB change-list rows that still count: a row names the title of a work item's latest
-- success for a day after that fetch (a title changed on the day it was fetched shows in the
-- next day's window too). What the work list refetches, and what pruning keeps of
-- raw.tmdb_changes: latest successes only move later, so a row that counts for no item now never
-- counts again. A view over the fetch log: current as soon as a batch lands.
with

attempts as (
    select * from {{ ref('stg_tmdb__fetch_logs') }}
),

changes as (
    select * from {{ ref('stg_tmdb__changes') }}
),

latest_successes as (
    select
        work_item_id,
        tmdb_id,
        media_type,
        attempted_at,
        row_number() over (partition by work_item_id order by attempted_at desc) as recency
    from attempts
    where status = 'success'
),

final as (
    select distinct
        latest_successes.work_item_id,
        changes.media_type,
        changes.tmdb_id,
        changes.window_end
    from latest_successes
    inner join changes
        on
            latest_successes.tmdb_id = changes.tmdb_id
            and latest_successes.media_type = changes.media_type
            and cast(latest_successes.attempted_at as date) < changes.window_end
    where latest_successes.recency = 1
)

select * from final
