with

source as (
    {{ source_or_empty('app', 'app_media_items') }}
),

renamed as (
    select
        nullif(trim(id), '') as media_item_id,
        {{ parse_integer('tmdb_id') }} as tmdb_id,
        tmdb_id as tmdb_id_text,
        lower(nullif(trim(tmdb_type), '')) as media_type,
        nullif(trim(title), '') as title,
        nullif(trim(release_date), '') as release_date_text,
        genres as genres_json,
        creators as creators_json,
        nullif(trim(poster_path), '') as poster_path,
        {{ parse_timestamp_utc('created_at', 'UTC') }} as created_at,
        {{ parse_timestamp_utc('updated_at', 'UTC') }} as updated_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
