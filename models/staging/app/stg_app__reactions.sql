with

source as (
    {{ source_or_empty('app', 'app_reactions') }}
),

renamed as (
    select
        nullif(trim(id), '') as reaction_id,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(media_item_id), '') as media_item_id,
        upper(nullif(trim(rating), '')) as reaction,
        {{ parse_boolean('watched') }} as is_watched,
        {{ parse_timestamp_utc('created_at', 'UTC') }} as created_at,
        {{ parse_timestamp_utc('updated_at', 'UTC') }} as updated_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
