with

source as (
    {{ source_or_empty('app', 'app_family_invitations') }}
),

renamed as (
    select
        nullif(trim(id), '') as family_invitation_id,
        nullif(trim(family_id), '') as family_id,
        nullif(trim(invited_by_id), '') as invited_by_user_id,
        email_pseudonym as invitee_email_pseudonym,
        lower(nullif(trim(status), '')) as recorded_status,
        {{ parse_timestamp_utc('expires_at', 'UTC') }} as expires_at,
        {{ parse_timestamp_utc('created_at', 'UTC') }} as created_at,
        {{ parse_timestamp_utc('responded_at', 'UTC') }} as responded_at,
        _dlt_id as landed_row_id,
        _dlt_load_id as load_id,
        {{ utc_timestamp('_extracted_at') }} as extracted_at
    from source
)

select * from renamed
