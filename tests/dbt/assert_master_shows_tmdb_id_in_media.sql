-- master_shows.tmdb_id points at a movie of marts.media (a relationships test
-- kept here so the shows folder's properties stay untouched).
with

shows as (
    select * from {{ ref('master_shows') }}
),

media as (
    select * from {{ ref('media') }}
),

final as (
    select
        shows.show_id,
        shows.tmdb_id
    from shows
    left join media
        on
            media.media_type = 'movie'
            and shows.tmdb_id = media.tmdb_id
    where shows.tmdb_id is not null and media.media_id is null
)

select * from final
