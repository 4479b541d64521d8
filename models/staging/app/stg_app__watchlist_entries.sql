with

source as (
    {{ source_or_empty('app', 'app_watchlist_entries') }}
),

renamed as (
    select
        nullif(trim(id), '') as watchlist_entry_id,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(media_item_id), '') as media_item_id,
        lower(nullif(trim(status), '')) as status,
        upper(nullif(trim(priority), '')) as priority,
        {{ parse_integer('rating') }} as rating,
        rating as rating_text,
        coalesce(trim(notes) <> '', false) as has_notes,
        {{ parse_timestamp_utc('added_at', 'UTC') }} as added_at,
        {{ parse_timestamp_utc('updated_at', 'UTC') }} as updated_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
