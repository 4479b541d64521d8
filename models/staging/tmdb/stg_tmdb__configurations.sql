-- One row per answer of TMDB's /configuration landed (raw.tmdb_configuration): the image base
-- URL and the sizes TMDB offers for posters and backdrops (JSON arrays of size names).
with

source as (
    {{ source_or_empty('tmdb', 'tmdb_configuration') }}
),

parsed as (
    select
        _dlt_load_id as load_id,
        {{ utc_timestamp('fetched_at') }} as fetched_at,
        {{ parse_json('payload') }} as payload
    from source
),

renamed as (
    select
        load_id,
        fetched_at,
        nullif(trim({{ json_get_text('payload', 'images', 'secure_base_url') }}), '') as image_base_url,
        {{ json_get('payload', 'images', 'poster_sizes') }} as poster_sizes,
        {{ json_get('payload', 'images', 'backdrop_sizes') }} as backdrop_sizes
    from parsed
)

select * from renamed
