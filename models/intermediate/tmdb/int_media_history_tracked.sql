-- What the media_history snapshot tracks per title: title, runtime, poster and
-- a fingerprint of its availability (every provider x region x offer type).
with

media as (
    select * from {{ ref('int_tmdb_titles_deduplicated') }}
),

availability as (
    select * from {{ ref('int_tmdb_providers_unnested') }}
    where reject_reason is null
),

image_settings as (
    select * from {{ ref('int_tmdb_image_settings') }}
),

fingerprints as (
    select
        media_id,
        {{ ordered_string_agg(
            "region_code || '/' || offer_type || '/' || cast(provider_id as " ~ dbt.type_string() ~ ")",
            ',', 'region_code, offer_type, provider_id'
        ) }} as availability
    from availability
    group by media_id
),

final as (
    select
        media.media_id,
        media.tmdb_id,
        media.media_type,
        media.title,
        media.runtime_minutes,
        {{ tmdb_image_url('media.poster_path', 'image_settings.image_base_url', 'image_settings.poster_size') }}
            as poster_url,
        fingerprints.availability,
        md5(coalesce(fingerprints.availability, '')) as availability_hash,
        media.fetched_at
    from media
    left join fingerprints
        on media.media_id = fingerprints.media_id
    cross join image_settings
)

select * from final
