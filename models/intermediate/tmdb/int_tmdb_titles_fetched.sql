-- Every TMDB title fetched successfully at least once (media type and id): what a change
-- list may name that matters here. The TMDB fetch lands only these rows of the lists it
-- reads (TMDB lists thousands of changed titles a day), so raw.tmdb_changes stays small.
with

attempts as (
    select * from {{ ref('stg_tmdb__fetch_logs') }}
),

final as (
    select distinct
        media_type,
        tmdb_id
    from attempts
    where status = 'success' and tmdb_id is not null and media_type is not null
)

select * from final
