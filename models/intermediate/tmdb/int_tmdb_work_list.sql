-- What `marquee ingest tmdb` fetches: every needed title except those fetched
-- successfully within the refresh window (var tmdb_refresh_days) and not named
-- by a TMDB change list of a later day than that fetch (int_tmdb_changes_unfetched).
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

unfetched_changes as (
    select * from {{ ref('int_tmdb_changes_unfetched') }}
),

fresh_successes as (
    select distinct work_item_id
    from attempts
    where
        status = 'success'
        and attempted_at
        > {{ marquee_utc_now() }} - interval '{{ var("tmdb_refresh_days") | int }} days'
),

changed_since_fetched as (
    select distinct work_item_id
    from unfetched_changes
),

final as (
    select
        needed.*,
        -- the fetch uses a title search's best match at or above this confidence
        cast({{ var('tmdb_min_match_confidence') }} as {{ type_double() }}) as min_match_confidence
    from needed
    left join fresh_successes
        on needed.work_item_id = fresh_successes.work_item_id
    left join changed_since_fetched
        on needed.work_item_id = changed_since_fetched.work_item_id
    where fresh_successes.work_item_id is null or changed_since_fetched.work_item_id is not null
)

select * from final
