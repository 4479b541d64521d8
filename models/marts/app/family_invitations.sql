-- One row per accepted family invitation with its status as of the build:
-- revoked, accepted and declined as recorded; a pending invitation past its
-- expiry is expired. The invitee is known by email pseudonym only, and
-- resolved to a user when one has the same pseudonym.

{{ config(schema=marts_schema()) }}

with

invitations as (
    select * from {{ ref('int_app_family_invitations_validated') }}
    where reject_reason is null
),

users as (
    select * from {{ ref('int_app_users_validated') }}
    where reject_reason is null and email_pseudonym is not null
),

as_of as (
    select {{ app_as_of() }} as as_of_at
),

derived as (
    select
        invitations.*,
        as_of.as_of_at,
        users.user_id as invitee_user_id,
        case
            when invitations.recorded_status in ('revoked', 'accepted', 'declined')
                then invitations.recorded_status
            when invitations.expires_at <= as_of.as_of_at then 'expired'
            else 'pending'
        end as status
    from invitations
    cross join as_of
    left join users on invitations.invitee_email_pseudonym = users.email_pseudonym
),

final as (
    select
        family_invitation_id,
        family_id,
        invited_by_user_id,
        invitee_email_pseudonym,
        invitee_user_id,
        recorded_status,
        status,
        created_at,
        expires_at,
        responded_at,
        as_of_at
    from derived
)

select * from final
