{#-
    The old enrichment service's MediaLinks, derived: one row per title
    Marquee needs, with its TMDB id, poster and trailer and where its fetch
    stands. processed_status: SUCCESS once fetched successfully (even if a
    later refresh failed: the data is still there), NOT_FOUND / FAILED from the
    latest attempt otherwise, PENDING before any attempt.
-#}

{{ config(schema=marts_schema()) }}

with

outcomes as (
    select * from {{ ref('int_tmdb_work_item_outcomes') }}
),

media as (
    select * from {{ ref('media') }}
),

final as (
    select
        outcomes.work_item_id,
        outcomes.lookup_kind,
        outcomes.lookup_value,
        coalesce(media.imdb_id, case when outcomes.lookup_kind = 'imdb' then outcomes.lookup_value end) as imdb_id,
        outcomes.tmdb_id,
        outcomes.media_type,
        media.poster_url,
        media.trailer_url as trailer_embed_url,
        case
            when outcomes.last_success_at is not null then 'SUCCESS'
            when outcomes.last_status = 'not_found' then 'NOT_FOUND'
            when outcomes.last_status = 'failed' then 'FAILED'
            else 'PENDING'
        end as processed_status,
        outcomes.last_error,
        coalesce(outcomes.last_attempted_at, media.fetched_at) as last_updated
    from outcomes
    left join media
        on outcomes.media_id = media.media_id
)

select * from final
