{#-
    The trailer of each title: a YouTube video of type Trailer; official ones
    first, then those in the language the title was asked in (`[sources.tmdb]
    language`; English for responses landed before it was recorded), then the
    highest resolution, then the earliest
    published (the first official trailer rather than a late re-cut), then the
    key for determinism. Titles without a YouTube trailer get no row.
-#}
with

videos as (
    select * from {{ ref('int_tmdb_videos_unnested') }}
),

trailers as (
    select
        *,
        row_number() over (
            partition by media_id
            order by
                coalesce(is_official, false) desc,
                case
                    when language_code = lower(split_part(coalesce(requested_language, 'en'), '-', 1)) then 0
                    else 1
                end,
                resolution desc nulls last,
                published_at asc nulls last,
                video_key asc
        ) as preference
    from videos
    where
        site = 'YouTube'
        and video_type = 'Trailer'
        and nullif(trim(video_key), '') is not null
),

final as (
    select
        media_id,
        tmdb_id,
        media_type,
        video_key as trailer_key,
        '{{ var("tmdb_youtube_embed_url") }}' || video_key as trailer_url,
        is_official as is_official_trailer
    from trailers
    where preference = 1
)

select * from final
