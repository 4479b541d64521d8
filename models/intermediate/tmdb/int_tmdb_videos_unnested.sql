-- One row per video (trailer, teaser, featurette...) of the latest response of each title.
with

titles as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

videos as (
    select
        titles.media_id,
        titles.tmdb_id,
        titles.media_type,
        video.value ->> 'id' as video_id,
        video.value ->> 'key' as video_key,
        video.value ->> 'site' as site,
        video.value ->> 'type' as video_type,
        video.value ->> 'name' as video_name,
        cast(video.value ->> 'official' as boolean) as is_official,
        cast(video.value ->> 'size' as integer) as resolution,
        video.value ->> 'iso_639_1' as language_code,
        titles.requested_language,
        cast(
            replace(replace(video.value ->> 'published_at', 'T', ' '), 'Z', '') as timestamp
        ) as published_at
    from titles
    {{ json_array_elements("titles.payload -> 'videos' -> 'results'", 'video') }}
)

select * from videos
