-- One row per accepted family membership: who is in which family, with what role.

{{ config(schema=marts_schema()) }}

with

memberships as (
    select * from {{ ref('int_app_family_memberships_validated') }}
    where reject_reason is null
),

final as (
    select
        family_membership_id,
        family_id,
        user_id,
        role,
        role_rank,
        role = 'owner' as is_owner,
        joined_at
    from memberships
)

select * from final
