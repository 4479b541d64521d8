-- What `marquee ingest tmdb` fetches: every needed title except those fetched
-- successfully within the refresh window (var tmdb_refresh_days) and not named
-- by a TMDB change list of a later day than that fetch (raw.tmdb_changes: a
-- title changed on the day it was fetched shows in the next day's window too).
-- A view over the fetch log, so it is current as soon as a batch lands. It
-- carries the match threshold the fetch applies, so that Python never repeats
-- a dbt var.
with

needed as (
    select * from {{ ref('int_tmdb_titles_needed') }}
),

attempts as (
    select * from {{ ref('stg_tmdb__fetch_logs') }}
),

changes as (
    select * from {{ ref('stg_tmdb__changes') }}
),

fresh_successes as (
    select distinct work_item_id
    from attempts
    where
        status = 'success'
        and attempted_at
        > (current_timestamp at time zone 'UTC') - interval '{{ var("tmdb_refresh_days") | int }} days'
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

changed_since_fetched as (
    select distinct latest_successes.work_item_id
    from latest_successes
    inner join changes
        on
            latest_successes.tmdb_id = changes.tmdb_id
            and latest_successes.media_type = changes.media_type
            and cast(latest_successes.attempted_at as date) < changes.window_end
    where latest_successes.recency = 1
),

final as (
    select
        needed.*,
        -- the fetch uses a title search's best match at or above this confidence
        cast({{ var('tmdb_min_match_confidence') }} as double precision) as min_match_confidence
    from needed
    left join fresh_successes
        on needed.work_item_id = fresh_successes.work_item_id
    left join changed_since_fetched
        on needed.work_item_id = changed_since_fetched.work_item_id
    where fresh_successes.work_item_id is null or changed_since_fetched.work_item_id is not null
)

select * from final
