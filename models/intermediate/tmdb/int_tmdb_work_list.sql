-- What `marquee ingest tmdb` fetches: every needed title except those fetched
-- successfully within the refresh window (var tmdb_refresh_days). A view over
-- the fetch log, so it is current as soon as a batch lands. It carries the match
-- threshold the fetch applies, so that Python never repeats a dbt var.
with

needed as (
    select * from {{ ref('int_tmdb_titles_needed') }}
),

attempts as (
    select * from {{ ref('stg_tmdb__fetch_logs') }}
),

fresh_successes as (
    select distinct work_item_id
    from attempts
    where
        status = 'success'
        and attempted_at
        > (current_timestamp at time zone 'UTC') - interval '{{ var("tmdb_refresh_days") | int }} days'
),

final as (
    select
        needed.*,
        -- the fetch uses a title search's best match at or above this confidence
        cast({{ var('tmdb_min_match_confidence') }} as double precision) as min_match_confidence
    from needed
    left join fresh_successes
        on needed.work_item_id = fresh_successes.work_item_id
    where fresh_successes.work_item_id is null
)

select * from final
