with

source as (
    {{ source_or_empty('app', 'app_recommendations') }}
),

renamed as (
    select
        nullif(trim(id), '') as recommendation_id,
        nullif(trim(from_user_id), '') as from_user_id,
        nullif(trim(to_user_id), '') as to_user_id,
        nullif(trim(media_item_id), '') as media_item_id,
        coalesce(trim(message) <> '', false) as has_message,
        lower(nullif(trim(status), '')) as status,
        {{ parse_timestamp_utc('created_at', 'UTC') }} as created_at,
        {{ parse_timestamp_utc('responded_at', 'UTC') }} as responded_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
