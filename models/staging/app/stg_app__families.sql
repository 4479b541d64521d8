with

source as (
    {{ source_or_empty('app', 'app_families') }}
),

renamed as (
    select
        nullif(trim(id), '') as family_id,
        nullif(trim(name), '') as family_name,
        nullif(trim(owner_id), '') as owner_user_id,
        {{ parse_timestamp_utc('created_at', 'UTC') }} as created_at,
        {{ parse_timestamp_utc('updated_at', 'UTC') }} as updated_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
