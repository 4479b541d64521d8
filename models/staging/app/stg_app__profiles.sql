with

source as (
    {{ source_or_empty('app', 'app_profiles') }}
),

renamed as (
    select
        nullif(trim(id), '') as profile_id,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(display_name), '') as display_name,
        upper(nullif(trim(country), '')) as country_code,
        nullif(trim(locale), '') as locale,  -- noqa: RF04
        preferences as preferences_json,
        {{ parse_timestamp_utc('created_at', 'UTC') }} as created_at,
        {{ parse_timestamp_utc('updated_at', 'UTC') }} as updated_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
