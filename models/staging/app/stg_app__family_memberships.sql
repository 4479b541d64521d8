with

source as (
    {{ source_or_empty('app', 'app_family_memberships') }}
),

renamed as (
    select
        nullif(trim(id), '') as family_membership_id,
        nullif(trim(family_id), '') as family_id,
        nullif(trim(user_id), '') as user_id,
        lower(nullif(trim(role), '')) as role,  -- noqa: RF04
        {{ parse_timestamp_utc('joined_at', 'UTC') }} as joined_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
