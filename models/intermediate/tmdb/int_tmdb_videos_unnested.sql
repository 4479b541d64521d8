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
        {{ json_get_text('video.value', 'id') }} as video_id,
        {{ json_get_text('video.value', 'key') }} as video_key,
        {{ json_get_text('video.value', 'site') }} as site,
        {{ json_get_text('video.value', 'type') }} as video_type,
        {{ json_get_text('video.value', 'name') }} as video_name,
        cast({{ json_get_text('video.value', 'official') }} as boolean) as is_official,
        cast({{ json_get_text('video.value', 'size') }} as integer) as resolution,
        {{ json_get_text('video.value', 'iso_639_1') }} as language_code,
        titles.requested_language,
        cast(
            replace(replace({{ json_get_text('video.value', 'published_at') }}, 'T', ' '), 'Z', '') as timestamp
        ) as published_at
    from titles
    {{ json_array_elements(json_get('titles.payload', 'videos', 'results'), 'video') }}
)

select * from videos
