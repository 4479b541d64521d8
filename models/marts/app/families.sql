-- One row per accepted family with its member and pending-invitation counts.

{{ config(schema=marts_schema()) }}

with

families as (
    select * from {{ ref('int_app_families_validated') }}
    where reject_reason is null
),

memberships as (
    select * from {{ ref('int_app_family_memberships_validated') }}
    where reject_reason is null
),

invitations as (
    select * from {{ ref('family_invitations') }}
),

member_counts as (
    select
        family_id,
        count(distinct user_id) as members_count
    from memberships
    group by family_id
),

invitation_counts as (
    select
        family_id,
        count(case when status = 'pending' then 1 end) as pending_invitations_count
    from invitations
    group by family_id
),

final as (
    select
        families.family_id,
        families.family_name,
        families.owner_user_id,
        coalesce(member_counts.members_count, 0) as members_count,
        coalesce(invitation_counts.pending_invitations_count, 0) as pending_invitations_count,
        families.created_at,
        families.updated_at
    from families
    left join member_counts on families.family_id = member_counts.family_id
    left join invitation_counts on families.family_id = invitation_counts.family_id
)

select * from final
